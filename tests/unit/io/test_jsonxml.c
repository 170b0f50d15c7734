/* SPDX-License-Identifier: MIT */
/* JSON -> XML: exact documents for the shapes the Open311 API writes. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "io/jsonxml.h"

#define DECL "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

/* Dumps the JSON text js under root/item and compares with want. */
static void
check(const char *js, const char *root, const char *item, const char *want)
{
    json_error_t err;
    json_t *v = json_loads(js, JSON_DECODE_ANY, &err);
    char *out = NULL;
    size_t len = 0;

    cr_assert_not_null(v, "bad test JSON: %s", err.text);
    cr_assert_eq(jsonxml_dump(v, root, item, &out, &len), C311_OK);
    cr_assert_str_eq(out, want);
    cr_assert_eq(len, strlen(want));
    free(out);
    json_decref(v);
}

Test(jsonxml, error_list)
{
    check("[{\"code\": 400, \"description\": \"bad\"}]", "errors", "error",
          DECL "<errors><error><code>400</code><description>bad"
               "</description></error></errors>\n");
}

Test(jsonxml, nested_arrays_are_singularised)
{
    check("{\"service_code\": \"pothole\", \"attributes\": [{\"code\": \"a\","
          " \"values\": [{\"key\": \"k\"}]}]}",
          "service_definition", "x",
          DECL "<service_definition><service_code>pothole</service_code>"
               "<attributes><attribute><code>a</code><values><value>"
               "<key>k</key></value></values></attribute></attributes>"
               "</service_definition>\n");
}

Test(jsonxml, discovery_endpoints_and_formats)
{
    check("{\"endpoints\": [{\"formats\": [\"application/json\", "
          "\"text/xml\"]}]}",
          "discovery", "x",
          DECL "<discovery><endpoints><endpoint><formats>"
               "<format>application/json</format><format>text/xml</format>"
               "</formats></endpoint></endpoints></discovery>\n");
}

Test(jsonxml, scalars)
{
    check("[{\"n\": null, \"t\": true, \"f\": false, \"i\": 42, "
          "\"lat\": 40.712776, \"long\": -73.935242, \"r\": 2.0, "
          "\"e\": \"\"}]",
          "service_requests", "request",
          DECL "<service_requests><request><n></n><t>true</t><f>false</f>"
               "<i>42</i><lat>40.712776</lat><long>-73.935242</long>"
               "<r>2.0</r><e></e></request></service_requests>\n");
}

Test(jsonxml, escaping)
{
    check("[{\"description\": \"a < b & \\\"c\\\" > d\"}]", "service_requests",
          "request",
          DECL "<service_requests><request><description>"
               "a &lt; b &amp; &quot;c&quot; &gt; d</description></request>"
               "</service_requests>\n");
}

Test(jsonxml, chinese_text_stays_utf8)
{
    check("[{\"service_name\": \"路面坑洞\"}]", "services", "service",
          DECL "<services><service><service_name>路面坑洞</service_name>"
               "</service></services>\n");
}

Test(jsonxml, control_characters_replaced)
{
    check("[{\"d\": \"a\\u0001b\\tc\"}]", "r", "i",
          DECL "<r><i><d>a\xef\xbf\xbd"
               "b\tc</d></i></r>\n");
}

Test(jsonxml, empty_array)
{
    check("[]", "services", "service", DECL "<services></services>\n");
}

Test(jsonxml, singular)
{
    char buf[32];

    cr_assert_str_eq(jsonxml_singular("services", buf, sizeof(buf)), "service");
    cr_assert_str_eq(jsonxml_singular("requests", buf, sizeof(buf)), "request");
    cr_assert_str_eq(jsonxml_singular("errors", buf, sizeof(buf)), "error");
    cr_assert_str_eq(jsonxml_singular("data", buf, sizeof(buf)), "item");
}
