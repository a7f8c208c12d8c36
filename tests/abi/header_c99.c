/* The public headers compile as strict C99 with -pedantic, on their own. */
#include <contour/contour.h>

int main(void)
{
    return contour_version() == CONTOUR_VERSION_NUMBER ? 0 : 1;
}
