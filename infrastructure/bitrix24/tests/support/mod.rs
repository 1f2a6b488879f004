//! A scripted stand-in for a portal and its auth server: it answers each request with the
//! next scripted reply and records what it received. Used for behaviours that need exact
//! control over the answers (fault sequences, PHP quirks); the simulator covers the rest.

#![allow(dead_code)]

pub mod sandbox;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// One scripted reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub delay: Duration,
}

impl Reply {
    /// A 200 with this JSON.
    pub fn ok(body: Value) -> Self {
        Self::status(200, body)
    }

    /// Any status with this JSON.
    pub fn status(status: u16, body: Value) -> Self {
        Self {
            status,
            body: body.to_string(),
            location: None,
            delay: Duration::ZERO,
        }
    }

    /// An error envelope.
    pub fn error(status: u16, code: &str, description: &str) -> Self {
        Self::status(
            status,
            serde_json::json!({"error": code, "error_description": description}),
        )
    }

    /// A 302 to `location`.
    pub fn redirect(location: &str) -> Self {
        Self {
            status: 302,
            body: String::new(),
            location: Some(location.to_owned()),
            delay: Duration::ZERO,
        }
    }

    /// The same reply, sent after `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request as the fake received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub query: String,
    pub body: Value,
}

/// The shared state of one fake server.
#[derive(Debug, Default)]
pub struct Script {
    replies: Mutex<VecDeque<Reply>>,
    received: Mutex<Vec<Received>>,
    /// A journal shared with other test doubles (e.g. a token store) to check ordering.
    pub journal: Arc<Mutex<Vec<String>>>,
}

impl Script {
    pub fn push(&self, reply: Reply) {
        self.replies
            .lock()
            .expect("fake portal state lock")
            .push_back(reply);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .expect("fake portal state lock")
            .clone()
    }

    pub fn journal(&self) -> Vec<String> {
        self.journal.lock().expect("fake portal state lock").clone()
    }
}

/// Starts a fake on 127.0.0.1 port 0; returns its base URL (`http://127.0.0.1:PORT/`).
pub async fn start(script: Arc<Script>) -> String {
    let state = script.clone();
    let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let script = state.clone();
        async move { answer(script, uri, headers, body).await }
    });

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind port 0");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, app)
            .await
            .expect("fake portal serves");
    });

    format!("http://{address}/")
}

async fn answer(script: Arc<Script>, uri: Uri, _headers: HeaderMap, body: Bytes) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let received = Received {
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        body: body.clone(),
    };
    let auth = body
        .get("auth")
        .and_then(Value::as_str)
        .unwrap_or("-")
        .to_owned();
    script
        .journal
        .lock()
        .expect("test set-up")
        .push(format!("request {} auth={auth}", received.path));
    script
        .received
        .lock()
        .expect("fake portal state lock")
        .push(received);

    let reply = script
        .replies
        .lock()
        .expect("fake portal state lock")
        .pop_front();
    let Some(reply) = reply else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "script exhausted").into_response();
    };

    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }

    let status = StatusCode::from_u16(reply.status).expect("scripted status");
    let mut response = (status, reply.body).into_response();
    if let Some(location) = reply.location {
        response
            .headers_mut()
            .insert("location", location.parse().expect("scripted location"));
    }
    response.headers_mut().insert(
        "content-type",
        "application/json".parse().expect("content type"),
    );
    response
}
