#pragma once
// Versions of weft and of the plugin ABI.
//
// WEFT_ABI_VERSION changes whenever a change to an SDK header (the interfaces or the
// structs that cross the plugin boundary) would break a plugin built against an older one.
// The registry refuses a plugin whose ABI version differs, with a message naming the file.

#define WEFT_VERSION_STRING "0.1.0"
#define WEFT_ABI_VERSION 1u
