//! Typed helpers whose methods the simulator does not offer, checked against a scripted
//! portal: the request they send and how they read the answer.

mod support;

use std::sync::Arc;

use migrator_bitrix24::{Access, B24Client, ManualClock, Webhook};
use serde_json::json;
use support::{Reply, Script};

async fn client() -> (B24Client, Arc<Script>) {
    let script = Arc::new(Script::default());
    let base = support::start(script.clone()).await;
    let hook = Webhook::parse(&format!("{base}rest/1/hookcode/")).expect("webhook parses");
    let clock = ManualClock::starting_at(chrono::Utc::now());
    let client = B24Client::builder(Access::Webhook(hook))
        .clock(Arc::new(clock))
        .build()
        .expect("client builds");
    (client, script)
}

#[tokio::test]
async fn a_task_report_is_a_comment_marked_as_the_tasks_result() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": 901})));
    script.push(Reply::ok(
        json!({"result": {"result": {"id": 5, "commentId": 901}}}),
    ));

    let comment = client
        .add_task_report(77, "Отчёт: done", Some(3))
        .await
        .unwrap();

    assert_eq!(comment, 901);
    let sent = script.received();
    assert!(sent[0].path.ends_with("/task.commentitem.add"));
    assert_eq!(sent[0].body["TASKID"], json!(77));
    assert_eq!(sent[0].body["FIELDS"]["POST_MESSAGE"], "Отчёт: done");
    assert_eq!(sent[0].body["FIELDS"]["AUTHOR_ID"], json!(3));
    assert!(sent[1].path.ends_with("/tasks.task.result.addFromComment"));
    assert_eq!(sent[1].body["commentId"], json!(901));
}

#[tokio::test]
async fn server_time_is_read_with_the_portals_offset() {
    let (client, script) = client().await;
    script.push(Reply::ok(json!({"result": "2026-12-03T21:00:00+03:00"})));

    let time = client.server_time().await.unwrap();

    assert_eq!(time.offset().local_minus_utc(), 3 * 3600);
    assert_eq!(time.to_utc().to_rfc3339(), "2026-12-03T18:00:00+00:00");
}
