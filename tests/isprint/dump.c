/* Prints the code points cx_rune_is_print() accepts as "FIRST LAST" lines in hex, the
 * format of `go run scripts/isprint/main.go -ranges`, for tests/isprint/compare.sh. */
#include "utf8.h"

#include <stdio.h>

int main(void)
{
    uint32_t first = 0;
    bool in = false;
    for (uint32_t cp = 0; cp <= 0x110000; cp++) {
        bool p = cp <= 0x10FFFF && cx_rune_is_print(cp);
        if (p && !in)
            first = cp;
        else if (!p && in)
            printf("%x %x\n", (unsigned)first, (unsigned)(cp - 1));
        in = p;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
