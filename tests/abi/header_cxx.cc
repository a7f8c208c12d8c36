// The public headers compile as C++ and link (extern "C" guards).
#include <contour/contour.h>

int main()
{
    contour_config *c = nullptr;
    if (contour_config_new(&c) != CONTOUR_OK)
        return 1;
    contour_config_free(c);
    return contour_version() == CONTOUR_VERSION_NUMBER ? 0 : 1;
}
