//! Python binding (see issue 3).
