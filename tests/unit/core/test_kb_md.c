/* SPDX-License-Identifier: MIT */
/*
 * The light markdown of articles: HTML that escapes everything but its own
 * tags, plain text for snippets, links limited to safe schemes, and CJK
 * lines joined without a space.
 */
#include <criterion/criterion.h>

#include "core/kb_md.h"

static struct arena arena = ARENA_INIT;

/* Gives back what each test allocated. */
static void
teardown(void)
{
    arena_free(&arena);
}

TestSuite(kb_md, .fini = teardown);

Test(kb_md, paragraphs_lists_headings)
{
    const char *md = "First line\nsame paragraph.\n\n## Fees\n"
                     "- one\n  continued\n- **two**\n1. step\n2) next\n";

    cr_assert_str_eq(kb_md_html(md, &arena),
                     "<p>First line\nsame paragraph.</p>\n"
                     "<h4>Fees</h4>\n"
                     "<ul><li>one\ncontinued</li><li><strong>two</strong>"
                     "</li></ul>\n"
                     "<ol><li>step</li><li>next</li></ol>\n");
    cr_assert_str_eq(kb_md_plain(md, &arena),
                     "First line same paragraph. Fees one continued two "
                     "step next");
}

Test(kb_md, everything_else_is_escaped_text)
{
    const char *md = "<script>alert('x')</script> & \"q\" **open";

    cr_assert_str_eq(kb_md_html(md, &arena),
                     "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
                     "&amp; &quot;q&quot; **open</p>\n");
    cr_assert_str_eq(kb_md_plain(md, &arena), md);
}

Test(kb_md, links)
{
    const char *md = "Pay at [the site](https://democity.example/pay?a=1&b=2)"
                     " or call [311](tel:311); [bad](javascript:x) stays.";

    cr_assert_str_eq(kb_md_html(md, &arena),
                     "<p>Pay at <a href=\"https://democity.example/pay?a=1"
                     "&amp;b=2\">the site</a> or call <a href=\"tel:311\">"
                     "311</a>; [bad](javascript:x) stays.</p>\n");
    cr_assert_str_eq(kb_md_plain(md, &arena),
                     "Pay at the site or call 311; [bad](javascript:x) "
                     "stays.");
}

Test(kb_md, link_check)
{
    const char *bad = NULL;

    cr_assert(kb_md_links_ok("[a](https://x.example) [b](mailto:a@b.c)", &arena,
                             &bad));
    cr_assert_null(bad);
    cr_assert(kb_md_links_ok("no links [here] (x)", &arena, &bad));
    cr_assert_not(
        kb_md_links_ok("ok [a](http://x.example)\n[b](data:x)", &arena, &bad));
    cr_assert_str_eq(bad, "data:x");
    cr_assert_not(kb_md_links_ok("[a](https://)", &arena, &bad));
    cr_assert_str_eq(bad, "https://");
}

Test(kb_md, cjk_lines_join_without_a_space)
{
    const char *md = "请先确认车辆是\n被拖走还是被盗。\n之后 see\nmore";

    cr_assert_str_eq(kb_md_plain(md, &arena),
                     "请先确认车辆是被拖走还是被盗。之后 see more");
    cr_assert_str_eq(kb_md_html(md, &arena),
                     "<p>请先确认车辆是被拖走还是被盗。之后 see\nmore</p>\n");
}
