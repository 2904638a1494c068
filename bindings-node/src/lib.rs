//! Node binding (see issue 4).
