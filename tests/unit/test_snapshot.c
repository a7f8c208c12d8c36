/* placeholder: not yet written */
int main(void) { return 0; }
