//! `migrator sandbox amo|b24` starts a simulator, prints its JSON line once it listens, and
//! serves the API it announces until it is stopped.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

async fn start(args: &[&str]) -> (Child, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_migrator"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .await
        .expect("one line");
    let announced = serde_json::from_str(&line).expect("the line is JSON");
    (child, announced)
}

#[tokio::test]
async fn the_amo_sandbox_prints_its_url_and_a_token_that_works() {
    let (mut child, line) = start(&["sandbox", "amo", "--size", "200", "--seed", "7"]).await;

    let url = line["url"].as_str().expect("url");
    let token = line["token"].as_str().expect("token");
    let account = reqwest::Client::new()
        .get(format!("{url}/api/v4/account"))
        .bearer_auth(token)
        .send()
        .await
        .expect("the sandbox answers");

    assert_eq!(account.status(), 200);
    let body: Value = account.json().await.expect("JSON");
    assert!(body["id"].is_number(), "{body}");
    child.kill().await.expect("stopped");
}

#[tokio::test]
async fn the_b24_sandbox_prints_its_url_and_a_webhook_that_works() {
    let (mut child, line) = start(&["sandbox", "b24", "--plan", "ru_ent250"]).await;

    let webhook = line["webhook"].as_str().expect("webhook");
    assert!(
        line["url"]
            .as_str()
            .is_some_and(|url| webhook.starts_with(url)),
        "{line}"
    );
    let info = reqwest::Client::new()
        .post(format!("{webhook}app.info"))
        .send()
        .await
        .expect("the portal answers");

    assert_eq!(info.status(), 200);
    let body: Value = info.json().await.expect("JSON");
    assert_eq!(body["result"]["LICENSE"], "ru_ent250", "{body}");
    child.kill().await.expect("stopped");
}
