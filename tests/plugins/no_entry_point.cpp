// A shared library that is not a weft plugin (no weft_plugin symbol).
extern "C" int something_else() { return 42; }
