//! Criterion micro-benchmarks for Galaxy; the code is in `benches/`. Run them with
//! `cargo bench -p galaxy-micro-benches` (add `--bench router` for one).
