//! Support for the end-to-end tests and benchmarks: a fresh store per test on either database,
//! and realistic runs written through the real command path.
//!
//! Every test gets its own SQLite file (in a temporary folder) or its own PostgreSQL database
//! (created on the server named by `MIGRATOR_TEST_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`, and dropped when the test ends, also when it
//! fails), so tests never share state and can run in parallel.

pub mod scenario;
pub mod stores;

pub use stores::{Kind, TestStore};

/// Runs an async test body `fn(Kind)` once on SQLite and once on PostgreSQL, as two tests
/// named `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Kind::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Kind::Postgres).await;
                }
            }
        )+
    };
}
