/* main.c: placeholder for the `fakes` launcher (being written). */
#include <stdio.h>

int main(void)
{
    fprintf(stderr, "fakes: not built yet\n");
    return 2;
}
