/* SPDX-License-Identifier: MIT */
/*
 * Levelled logging to standard error, one line per event:
 *
 *     2026-12-03T17:20:34.512Z 4242 INFO  http: GET /open311/v2/... 200 1.2ms
 *
 * The macros test the level before any formatting happens. Text that came
 * from outside (a resident's description, a path) must go through
 * log_escape() first so that it cannot forge lines or control the terminal.
 */
#ifndef CIVIC311_LOG_H
#define CIVIC311_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
    LOG_DEBUG = 0,
    LOG_INFO,
    LOG_NOTICE,
    LOG_WARNING,
    LOG_ERROR,
    LOG_OFF
};

extern enum log_level log_current_level;

/* Parses "debug", "info", "notice", "warning" or "error"; false if unknown. */
bool log_parse_level(const char *name, enum log_level *out);

void log_set_level(enum log_level level);

void log_write(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Copies s into out (of size n, always NUL-terminated), replacing control
 * bytes, backslashes, quotes and invalid UTF-8 by \xHH escapes and cutting
 * it to fit. Returns out, so it can sit inside a log call.
 */
char *log_escape(const char *s, char *out, size_t n);

#define LOG_AT(level, module, ...)                                             \
    do {                                                                       \
        if ((level) >= log_current_level)                                      \
            log_write((level), (module), __VA_ARGS__);                         \
    } while (0)

#define log_debug(module, ...)   LOG_AT(LOG_DEBUG, module, __VA_ARGS__)
#define log_info(module, ...)    LOG_AT(LOG_INFO, module, __VA_ARGS__)
#define log_notice(module, ...)  LOG_AT(LOG_NOTICE, module, __VA_ARGS__)
#define log_warning(module, ...) LOG_AT(LOG_WARNING, module, __VA_ARGS__)
#define log_error(module, ...)   LOG_AT(LOG_ERROR, module, __VA_ARGS__)

#endif
