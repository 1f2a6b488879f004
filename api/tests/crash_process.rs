//! H2 with real processes: `migrator run` is killed (SIGKILL) at twenty instants while it
//! moves, `migrator resume` takes over each time, and every record ends up on the portal once.

mod support;

use std::time::Duration;

use support::{Services, run_id};
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h2_a_migrator_process_killed_twenty_times_moves_every_record_once() {
    let services = Services::start(1_500, Some(50)).await;
    // Answers held back 80 ms after the work is done: a kill in that window leaves records
    // on the portal whose outcomes were never recorded.
    services
        .b24
        .control()
        .slow_down("batch", Duration::from_millis(80));
    let entities = "users,companies,contacts,pipelines,deals";

    let mut child = services.spawn(&services.run_args(&["--entities", entities]));
    let stderr = child.stderr.take().expect("stderr");
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .await
        .expect("the id line");
    let id = run_id(&line);

    let mut kills = 0;
    for attempt in 0..20u64 {
        tokio::time::sleep(Duration::from_millis(300 + (attempt * 97) % 500)).await;
        match child.try_wait().expect("status") {
            Some(_) => break,
            None => {
                child.start_kill().expect("killed");
                child.wait().await.expect("reaped");
                kills += 1;
            }
        }
        child = services.spawn(&["resume", &id]);
    }
    let status = child.wait().await.expect("the last resume ends");

    assert!(
        kills >= 20,
        "the run finished after {kills} kills; the test needs twenty"
    );
    let last = services
        .spawn(&["resume", &id])
        .wait()
        .await
        .expect("resume");
    assert!(
        status.success() || last.success(),
        "the run completes after the kills"
    );
    for key in ["companies", "contacts", "deals"] {
        let seen = services.origins(key);
        assert!(!seen.is_empty(), "{key} reached the portal");
        let twice: Vec<_> = seen.iter().filter(|(_, count)| **count > 1).collect();
        assert!(twice.is_empty(), "{key} created twice: {twice:?}");
    }
}
