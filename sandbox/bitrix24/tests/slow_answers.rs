//! Slow answers: a call is carried out at once and answered late, as on a real portal whose
//! PHP finishes a request after its client has gone away.

use migrator_sandbox_bitrix24::{B24Sandbox, SandboxConfig};

#[tokio::test]
async fn slow_answer_a_call_answered_late_is_applied_even_when_the_client_gives_up() {
    let sandbox = B24Sandbox::start(SandboxConfig::default())
        .await
        .expect("portal");
    sandbox
        .control()
        .slow_down("crm.company.add", std::time::Duration::from_millis(600));
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(150))
        .build()
        .expect("client");

    let gave_up = client
        .post(format!("{}crm.company.add", sandbox.webhook_url()))
        .json(&serde_json::json!({"fields": {"TITLE": "Ромашка"}}))
        .send()
        .await;

    assert!(
        gave_up.is_err(),
        "the answer came before the client gave up"
    );
    let state = sandbox.control().state();
    let companies = match &state["companies"] {
        serde_json::Value::Object(rows) => rows.len(),
        serde_json::Value::Array(rows) => rows.len(),
        _ => 0,
    };
    assert_eq!(
        companies, 1,
        "the company exists although its answer never arrived"
    );
    sandbox.shutdown().await;
}
