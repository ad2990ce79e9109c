// placeholder: the CLI is written in the kernel step
int main() { return 0; }
