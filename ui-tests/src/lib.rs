//! trybuild suites; see tests/.
