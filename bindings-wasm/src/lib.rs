//! WebAssembly binding (see issue 5).
