/* UTF-8 helpers: strict decoding (no overlongs, no surrogates, nothing past U+10FFFF). */
#ifndef CX_UTF8_H
#define CX_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s (len > 0 bytes). Returns the bytes consumed (1-4), or 0
 * when the sequence is invalid or truncated. */
size_t cx_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Offset of the first invalid byte, or len when all of s is valid UTF-8. */
size_t cx_utf8_invalid_offset(const char *s, size_t len);
static inline bool cx_utf8_valid(const char *s, size_t len)
{
    return cx_utf8_invalid_offset(s, len) == len;
}
/* Encodes cp (<= 0x10FFFF, not a surrogate) into out (4 bytes); returns bytes written. */
size_t cx_utf8_encode(uint32_t cp, char *out);
/* Go's strconv.IsPrint, exactly (lib/isprint_table.h): letters, marks, numbers,
 * punctuation, symbols and U+0020 are printable; controls, format characters (bidi
 * controls, U+200B, U+061C, tags), other spaces, private use, surrogates, noncharacters
 * and unassigned code points are not. What Go's %q escapes is what is not printable. */
bool cx_rune_is_print(uint32_t cp);

#endif
