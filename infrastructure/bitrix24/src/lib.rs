//! A Bitrix24 REST client for the migration: access by webhook or OAuth, single calls,
//! batches, paged lists, traffic shaping to the portal's limits, and typed helpers for the
//! methods the migration uses.
//!
//! # Example
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use migrator_bitrix24::{B24Client, B24Error, Batch, CrmEntity, result_ref};
//! use serde_json::json;
//!
//! # async fn example() -> Result<(), B24Error> {
//! let client = B24Client::from_webhook_url("https://example.bitrix24.ru/rest/1/code/")?;
//! client.adopt_plan().await?; // 250 draining 5/s on Enterprise, 50 draining 2/s otherwise
//!
//! let mut batch = Batch::new();
//! batch.push("firm", "crm.company.add", json!({"fields": {"TITLE": "Acme"}}))?;
//! let person = json!({"fields": {"NAME": "Ann", "COMPANY_ID": result_ref("firm", &[])}});
//! batch.push("ann", "crm.contact.add", person)?;
//! let outcome = client.batch(&batch).await?;
//! if let Some(error) = outcome.failure("ann") {
//!     eprintln!("the contact was refused: {error}");
//! }
//!
//! let deals: Vec<_> = client
//!     .crm_list(CrmEntity::Deal, json!({"CATEGORY_ID": 0}), &["TITLE"])
//!     .try_collect()
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Layout
//!
//! - [`client`]: [`B24Client`] and its builder; [`config`]: its settings. The call loop and
//!   its retry rules live in the private `transport` module.
//! - [`webhook`] and [`oauth`]: the two kinds of access, with the [`TokenStore`] trait.
//! - [`batch`]: [`Batch`] and [`BatchOutcome`]; [`paging`]: list methods as streams.
//! - [`shaper`] and [`operating`]: the two limits, mirrored on our side.
//! - [`envelope`], [`lenient`], [`php_query`]: the wire format and its PHP habits.
//! - [`error`]: the one error type, [`B24Error`] (a private `classify` module maps answers to it).
//! - [`methods`]: typed helpers (`app.info`, users, CRM entities, pipelines, stages, user
//!   fields, activities, timeline comments, tasks, Drive).
//! - [`clock`]: wall time behind a trait, so that tests never wait for real.
//!
//! # The call loop
//!
//! Every call waits for the method's operating budget, then for a place in the leaky bucket,
//! then goes out as a JSON `POST`. Then:
//! - 2xx: decoded; the `time` block updates the method's operating reading;
//! - 3xx: the portal changed its address → [`B24Error::DomainChanged`], never followed (a
//!   blind redirect would lose the POST body, and a run must stop to confirm the new domain);
//! - 503 `QUERY_LIMIT_EXCEEDED`: the shaper assumes the bucket is full, slows down, retries;
//! - 429 `OPERATION_TIME_LIMIT`: the method is held until its window moves on (never longer
//!   than [`OperatingConfig::window`], the portal's ten minutes), then retried;
//! - 401 `expired_token` (OAuth): one refresh, then the call is repeated;
//! - other 5xx and network errors: reads are retried with exponential back-off (1 s, 2 s,
//!   4 s...); a write that may have reached the portal becomes [`B24Error::OutcomeUnknown`]
//!   so that the caller looks it up by origin before repeating it;
//! - anything else: a typed, final error.
//!
//! # Shaper maths
//!
//! The portal drains its counter by `R` per second and refuses once it passes `C`
//! (`C = 50, R = 2`; Enterprise `C = 250, R = 5`). The shaper keeps a level `L` that drains
//! the same way; a request leaves at once while `L + 1 <= C - h` (`h`, the headroom, is 2 or 5
//! units), otherwise after `(L + 1 - (C - h)) / R` seconds, and `L` grows by one at
//! reservation time. Over `T` seconds that is at most `C - h + R·T` requests, against the
//! portal's `C + R·T`: the sustained rate is exactly `R` and no refusal happens while we are
//! the only caller. Other apps on the same portal share the bucket unseen, so a 503 sets `L`
//! to `C` and cuts the drain rate to 75 % (down to 25 % at most); each accepted request wins
//! back 1 % of `R`. See [`shaper`]. The bucket is per portal and source IP, so every client
//! of one portal in a process must share one shaper
//! ([`ClientBuilder::share_limits_with`]).
//!
//! Measured with `benches/throughput.rs` against the simulator on real time (50 draining
//! 2/s, batches of 50 adds, 120 s): 289 requests accepted in 120.5 s, 0.993 of `C + R·T`,
//! a sustained 2.000 requests/s after the opening burst, and no 503.
//!
//! The operating budget (480 s of execution per method per ten minutes) is tracked from each
//! answer's `time.operating` and `time.operating_reset_at`; a method within 30 s of the limit
//! waits for its reset moment before the portal would refuse it. A batch spends the budget of
//! each sub-method, not of `batch`; a command refused inside a batch with
//! `OPERATION_TIME_LIMIT` holds its method back and is reported as retryable, but is not
//! re-sent by the client (its key and references belong to the caller). Other commands
//! refused by a fault that passes are reported as retryable too (`QUERY_LIMIT_EXCEEDED`, a
//! server failure of a read), or as [`B24Error::OutcomeUnknown`] (a server failure of a
//! write). See [`operating`] and [`BatchOutcome::failure`].
//!
//! # Token rotation safety
//!
//! Refresh tokens are single-use. A refresh runs only on `expired_token`, one at a time per
//! session; the new pair is saved through the [`TokenStore`] before any call uses it, and a
//! pair the store failed to save is saved again before the next call instead of being used.
//! So a crash at any point leaves the store with a pair the auth server still honours,
//! except when the auth server's answer itself is lost in transit. See [`oauth`].
//!
//! # Secrets
//!
//! Webhook codes, access and refresh tokens and the client secret are [`secrecy`] strings.
//! They never appear in `Debug` output, spans, logs or errors: URLs in errors are reduced to
//! their origin and network errors are stripped of their URL.

pub mod batch;
mod body;
pub(crate) mod classify;
pub mod client;
pub mod clock;
pub mod config;
pub mod envelope;
pub mod error;
pub mod lenient;
pub mod methods;
pub mod oauth;
pub mod operating;
pub mod paging;
pub mod php_query;
pub mod shaper;
mod transport;
pub mod webhook;

pub use batch::{Batch, BatchOutcome, CommandOutcome, MAX_BATCH_COMMANDS, result_ref};
pub use client::{Access, B24Client, ClientBuilder, is_read_method};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{ClientConfig, RetryPolicy};
pub use envelope::{CallTime, Envelope};
pub use error::{B24Error, B24Result, PortalAnswer};
pub use methods::crm::{CrmEntity, CrmRecord, Origin};
pub use oauth::{
    KNOWN_AUTH_HOSTS, MemoryTokenStore, OAuthApp, OAuthSession, TokenPair, TokenStore,
};
pub use operating::{OperatingConfig, OperatingGuard};
pub use paging::{PAGE_SIZE, Page};
pub use shaper::{Shaper, ShaperConfig};
pub use webhook::Webhook;
