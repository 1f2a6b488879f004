//! A read-only client of the amoCRM (and Kommo) REST API v4, written to
//! `shared/reference/amocrm-api.md`.
//!
//! # Layout
//!
//! - [`address`]: which account, on `*.amocrm.ru`, `*.amocrm.com`, `*.kommo.com`, or any
//!   base URL for tests;
//! - [`auth`]: OAuth code exchange, refresh with rotation through a [`TokenStore`],
//!   long-lived tokens, legacy login + API key (a key session, or conversion to OAuth);
//! - [`client`]: [`AmoClient`], one method per entity;
//! - [`paging`]: the constant-memory [`RecordStream`];
//! - [`counting`]: totals and in-period counts;
//! - [`discovery`]: where a renamed account lives now;
//! - [`files`]: linked files, the drive, streaming downloads;
//! - [`models`]: typed records, every custom-field value shape and note type;
//! - [`error`]: [`AmoError`], the crate's one error type;
//! - internal: `request` (authorised, retried GET), `transport` (HTTP and pacing),
//!   `limiter`, `problem` (error bodies), `lenient` (tolerant field readers).
//!
//! # Token rotation
//!
//! amoCRM refresh tokens are single-use: a successful refresh kills the old refresh
//! token and the answer carries the only live one. The client keeps the chain alive
//! with four rules:
//!
//! 1. **Save before use.** A rotated pair is written through [`TokenStore::save`] before
//!    its access token is sent anywhere. If `save` fails, the pair stays in memory marked
//!    unsaved, the call fails with [`AmoError::TokenStore`] (retryable), and the next
//!    call saves it again before it may use it. So a stored pair is never older than a
//!    token amoCRM has seen in use, and a crash *after* the save loses nothing: the
//!    restarted process loads the new pair.
//! 2. **The one unavoidable window** is between amoCRM's answer and the first `save`
//!    that succeeds: if the process dies there, the new pair existed only in memory and
//!    the account must be connected again. No client can close it, since amoCRM rotates
//!    on its side first; the client narrows it to one store write (no other work happens
//!    in between), which is why `save` must be durable when it returns.
//! 3. **One refresh at a time.** Refreshes of one client are serialised by a mutex, and a
//!    task that met a 401 refreshes only if the rejected token is still the current one:
//!    concurrent tasks produce one refresh, never two (the second would burn a dead
//!    token and earn "Token has been revoked").
//! 4. **Adopt before refreshing.** Before trading its refresh token the client reloads
//!    the store; if another worker sharing it has already rotated the chain, the client
//!    adopts that pair instead of presenting a refresh token that is already dead.
//!    Workers in different processes must still take turns (the run lease does that).
//!
//! Tokens are refreshed [`ClientConfig::refresh_margin`] (5 minutes) before they expire,
//! judged by the injectable [`Clock`], and once more on a 401 (the clock may be wrong or
//! the token revoked). A second 401, or any 401 with a long-lived token, is final.
//!
//! # Limits and faults
//!
//! All requests of one client share one limiter: at most 7 requests (a setting) in any
//! window of one second plus 20 ms ([`ClientConfig::pacing_margin`]), evenly spaced by a
//! `governor` token bucket, so that jitter never puts an eighth request into amoCRM's
//! one-second window. Listings keep a few pages in flight ([`ClientConfig::read_ahead`])
//! so that the server's latency does not leave the budget unused. A 429 pauses the whole
//! account (the `retry_after` of a Kommo JSON body is honoured, capped at
//! [`RetryPolicy::max_backoff`]; otherwise exponential backoff from 1 s) and the
//! request is resent. 5xx and timeouts are retried with backoff. 402 (subscription
//! ended) and 403 stop at once; a 403 gateway page (the account's API is blocked) also
//! makes the client refuse every later call without sending it, because every further
//! request would prolong the block.
//!
//! # Reading
//!
//! Listings are streams of typed records; see [`paging`] for the end-of-list rules, the
//! page-shift deduplication, and why a malformed record is yielded as an error without
//! ending the stream. Creation periods are checked on the client even when the server
//! filters too (see [`query`]).
//!
//! # What this client does not do
//!
//! It writes nothing to amoCRM. It does not move to a renamed subdomain by itself:
//! [`AmoClient::account_domain`] tells where the account lives now, and the caller
//! decides to reconnect there. It does not send `If-Modified-Since` (its v4 semantics
//! are unconfirmed). Unsorted items, catalogs, customers and calls
//! have no typed readers; the links endpoint and `with=` cover the relations a migration
//! needs.

pub mod address;
pub mod auth;
pub mod client;
pub mod clock;
pub mod config;
pub mod counting;
pub mod discovery;
pub mod error;
pub mod files;
mod lenient;
mod limiter;
pub mod models;
pub mod paging;
mod problem;
pub mod query;
mod request;
mod transport;

pub use address::{AccountAddress, Platform};
pub use auth::OAuthApp;
pub use auth::api_key::{LegacyKey, request_code_for_api_key};
pub use auth::tokens::{MemoryTokenStore, TokenPair, TokenStore};
pub use client::AmoClient;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{ClientConfig, RetryPolicy};
pub use counting::{Countable, EntityCount};
pub use discovery::AccountDomain;
pub use error::{AmoError, Attempt, CodeProblem};
pub use files::Download;
pub use paging::RecordStream;
pub use query::{ListQuery, Period};
