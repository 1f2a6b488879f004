//! [`AmoClient`]: connecting to an account and reading each entity.
//!
//! One client per account: its clones share one connection, hence one rate limiter and
//! one token chain. Every listing is a [`RecordStream`]; small collections (pipelines,
//! the account) are read whole.

use std::sync::Arc;

use secrecy::SecretString;
use tracing::info;

use crate::address::AccountAddress;
use crate::auth::OAuthApp;
use crate::auth::api_key::LegacyKey;
use crate::auth::jwt::token_expiry;
use crate::auth::legacy::LegacySession;
use crate::auth::oauth::{Grant, request_tokens};
use crate::auth::session::{Authenticator, OAuthSession};
use crate::auth::tokens::TokenStore;
use crate::config::ClientConfig;
use crate::error::{AmoError, Attempt};
use crate::models::account::Account;
use crate::models::common::EntityKind;
use crate::models::companies::Company;
use crate::models::contacts::Contact;
use crate::models::custom_fields::CustomFieldDefinition;
use crate::models::events::Event;
use crate::models::leads::Lead;
use crate::models::links::EntityLink;
use crate::models::notes::Note;
use crate::models::pipelines::Pipeline;
use crate::models::tasks::Task;
use crate::models::users::User;
use crate::paging::{CreatedFilter, Listing, RecordStream, embedded_items, records};
use crate::query::ListQuery;
use crate::request::{Connection, attempt_for, from_value};
use crate::transport::Transport;

/// `with=` parts of the account a migration reads.
const ACCOUNT_WITH: &str = "users_groups,task_types,datetime_settings,drive_url,\
                            is_api_filter_enabled";

/// A client of one amoCRM account. Cheap to clone; clones share limits and tokens.
#[derive(Debug, Clone)]
pub struct AmoClient {
    pub(crate) conn: Arc<Connection>,
}

impl AmoClient {
    /// Exchanges an authorisation code for tokens, saves them in `store`, and returns a
    /// client that refreshes them for as long as it runs.
    ///
    /// The code is tried exactly once: amoCRM burns it on every attempt, right or wrong.
    ///
    /// # Errors
    /// [`AmoError::AuthorizationCode`] (expired, used, unreadable, other account) with a
    /// message telling the user to reload «Ключи и доступы» and paste a new code;
    /// [`AmoError::IntegrationRejected`] for a wrong id, secret or redirect address;
    /// [`AmoError::TokenStore`] when the new pair could not be saved.
    pub async fn connect_with_code(
        address: AccountAddress,
        app: OAuthApp,
        code: SecretString,
        store: Arc<dyn TokenStore>,
        config: ClientConfig,
    ) -> Result<Self, AmoError> {
        let transport = transport(&config)?;
        let clock = config.clock.clone();

        info!(
            host = address.host(),
            "exchanging an amoCRM authorisation code"
        );
        let pair = request_tokens(&transport, &address, &app, Grant::Code(&code), &*clock).await?;
        store
            .save(&pair)
            .await
            .map_err(|detail| AmoError::TokenStore {
                operation: "save",
                detail,
            })?;

        Ok(Self::from_parts(address, app, store, config, transport))
    }

    /// A client over tokens already in `store` (after a restart, or in another worker).
    ///
    /// # Errors
    /// Only when the HTTP client cannot be built; a store without tokens shows up on the
    /// first call as [`AmoError::ReauthorizationRequired`].
    pub fn from_store(
        address: AccountAddress,
        app: OAuthApp,
        store: Arc<dyn TokenStore>,
        config: ClientConfig,
    ) -> Result<Self, AmoError> {
        let transport = transport(&config)?;
        Ok(Self::from_parts(address, app, store, config, transport))
    }

    /// A client using a long-lived token of a private integration (A5): no refresh; a
    /// 401 means the token expired or was revoked and a new one must be pasted.
    ///
    /// # Errors
    /// [`AmoError::Unauthorized`] when the token's own `exp` claim says it has already
    /// expired (so the user hears it before any call), or when the HTTP client cannot be
    /// built.
    pub fn with_long_lived_token(
        address: AccountAddress,
        token: SecretString,
        config: ClientConfig,
    ) -> Result<Self, AmoError> {
        if let Some(expiry) = token_expiry(&token) {
            if expiry <= config.clock.now() {
                return Err(AmoError::Unauthorized {
                    attempt: Attempt::new("CHECK", "long-lived token"),
                    detail: format!("the pasted long-lived token expired on {expiry}"),
                });
            }
        }

        let transport = transport(&config)?;
        let conn = Connection::new(address, transport, Authenticator::LongLived(token), config);
        Ok(Self {
            conn: Arc::new(conn),
        })
    }

    /// A client using a legacy login and API key session (A4, accounts connected before
    /// July 2020). The session opens on the first call and re-opens once after a 401.
    /// Where amoCRM refuses key sessions, convert the key with
    /// [`crate::request_code_for_api_key`] and connect with the code instead.
    ///
    /// # Errors
    /// Only when the HTTP client cannot be built.
    pub fn with_legacy_key(
        address: AccountAddress,
        key: LegacyKey,
        config: ClientConfig,
    ) -> Result<Self, AmoError> {
        let transport = transport(&config)?;
        let auth = Authenticator::Legacy(Box::new(LegacySession::new(key)));
        let conn = Connection::new(address, transport, auth, config);
        Ok(Self {
            conn: Arc::new(conn),
        })
    }

    fn from_parts(
        address: AccountAddress,
        app: OAuthApp,
        store: Arc<dyn TokenStore>,
        config: ClientConfig,
        transport: Transport,
    ) -> Self {
        let session = OAuthSession::new(
            app,
            store,
            config.clock.clone(),
            config.refresh_margin,
            config.retry.clone(),
        );
        let auth = Authenticator::OAuth(Box::new(session));
        Self {
            conn: Arc::new(Connection::new(address, transport, auth, config)),
        }
    }

    /// The account this client reads.
    pub fn address(&self) -> &AccountAddress {
        &self.conn.address
    }

    /// The integration, for OAuth clients.
    pub fn oauth_app(&self) -> Option<&OAuthApp> {
        match &self.conn.auth {
            Authenticator::OAuth(session) => Some(session.app()),
            Authenticator::LongLived(_) | Authenticator::Legacy(_) => None,
        }
    }

    /// The account with currency, user groups, task types, time zone, drive host and the
    /// API-filter flag. Check it first: a 402 here means the subscription has ended.
    ///
    /// # Errors
    /// Any [`AmoError`] of the call.
    pub async fn account(&self) -> Result<Account, AmoError> {
        let mut url = self.conn.address.url("/api/v4/account");
        url.query_pairs_mut().append_pair("with", ACCOUNT_WITH);

        self.conn
            .get_json(&url, "the account")
            .await?
            .ok_or_else(|| empty_answer(&url, "the account"))
    }

    /// All users, deactivated ones included (admin rights needed; otherwise 403).
    pub fn users(&self) -> RecordStream<User> {
        self.list(
            "/api/v4/users",
            "users",
            false,
            CreatedFilter::ClientOnly,
            &[],
        )
        .run(self, ListQuery::new())
    }

    /// All pipelines with their statuses (at most 50, read in one call).
    ///
    /// # Errors
    /// Any [`AmoError`] of the call; a schema error names the pipeline that did not fit.
    pub async fn pipelines(&self) -> Result<Vec<Pipeline>, AmoError> {
        let url = self.conn.address.url("/api/v4/leads/pipelines");
        let attempt = attempt_for(&url);

        #[derive(serde::Deserialize)]
        struct Answer {
            #[serde(rename = "_embedded", default)]
            embedded: Option<serde_json::Map<String, serde_json::Value>>,
        }
        let Some(answer) = self.conn.get_json::<Answer>(&url, "the pipelines").await? else {
            return Ok(Vec::new());
        };
        let items =
            embedded_items(answer.embedded, "pipelines").map_err(|detail| AmoError::Schema {
                attempt: attempt.clone(),
                record: "the pipelines".to_owned(),
                path: "_embedded.pipelines".to_owned(),
                detail,
            })?;

        items
            .into_iter()
            .map(|item| {
                let label = format!("pipeline {}", item.get("id").unwrap_or_default());
                from_value(&attempt, item, &label)
            })
            .collect()
    }

    /// Leads with their contacts and loss reason (`with=contacts,loss_reason`).
    pub fn leads(&self, query: ListQuery) -> RecordStream<Lead> {
        let with: &'static [&'static str] = &["contacts", "loss_reason"];
        self.list("/api/v4/leads", "leads", true, CreatedFilter::Range, with)
            .run(self, query)
    }

    /// Contacts (their company is always embedded).
    pub fn contacts(&self, query: ListQuery) -> RecordStream<Contact> {
        self.list(
            "/api/v4/contacts",
            "contacts",
            true,
            CreatedFilter::Range,
            &[],
        )
        .run(self, query)
    }

    /// Companies with their contacts (`with=contacts`).
    pub fn companies(&self, query: ListQuery) -> RecordStream<Company> {
        let with: &'static [&'static str] = &["contacts"];
        self.list(
            "/api/v4/companies",
            "companies",
            true,
            CreatedFilter::Range,
            with,
        )
        .run(self, query)
    }

    /// Custom-field definitions of `kind`.
    pub fn custom_fields(&self, kind: EntityKind) -> RecordStream<CustomFieldDefinition> {
        let path = format!("/api/v4/{}/custom_fields", kind.as_str());
        let mut listing = self.list(&path, "custom_fields", true, CreatedFilter::ClientOnly, &[]);
        listing.read_ahead = 1;
        listing.run(self, ListQuery::new())
    }

    /// Notes of every record of `kind` (amoCRM has no notes filter by creation; a
    /// period is kept on the client).
    pub fn notes(&self, kind: EntityKind, query: ListQuery) -> RecordStream<Note> {
        let path = format!("/api/v4/{}/notes", kind.as_str());
        self.list(&path, "notes", true, CreatedFilter::ClientOnly, &[])
            .run(self, query)
    }

    /// Tasks (no creation filter on the server; a period is kept on the client).
    pub fn tasks(&self, query: ListQuery) -> RecordStream<Task> {
        self.list(
            "/api/v4/tasks",
            "tasks",
            true,
            CreatedFilter::ClientOnly,
            &[],
        )
        .run(self, query)
    }

    /// Events, 100 a page (the endpoint's maximum). The period is kept on the client:
    /// the server's `created_at` filter form for events is not settled in the reference.
    pub fn events(&self, query: ListQuery) -> RecordStream<Event> {
        let mut listing = self.list(
            "/api/v4/events",
            "events",
            false,
            CreatedFilter::ClientOnly,
            &[],
        );
        listing.limit = self.conn.config.events_page_size.clamp(1, 100);
        listing.run(self, query)
    }

    /// Links (relations) of the records `entity_ids` of `kind`.
    pub fn links(&self, kind: EntityKind, entity_ids: &[i64]) -> RecordStream<EntityLink> {
        let path = format!("/api/v4/{}/links", kind.as_str());
        let query = entity_ids.iter().fold(ListQuery::new(), |query, id| {
            query.param("filter[entity_id][]", &id.to_string())
        });
        let mut listing = self.list(&path, "links", false, CreatedFilter::ClientOnly, &[]);
        listing.read_ahead = 1;
        listing.run(self, query)
    }

    /// A listing of `path` with this client's page size.
    pub(crate) fn list(
        &self,
        path: &str,
        key: &'static str,
        order_by_id: bool,
        created_filter: CreatedFilter,
        default_with: &'static [&'static str],
    ) -> Listing {
        Listing {
            path: path.to_owned(),
            key,
            limit: self.conn.config.page_size.clamp(1, 250),
            order_by_id,
            created_filter,
            default_with,
            read_ahead: self.conn.config.read_ahead,
        }
    }
}

impl Listing {
    /// Streams this listing through `client`.
    pub(crate) fn run<T: crate::models::Record>(
        self,
        client: &AmoClient,
        query: ListQuery,
    ) -> RecordStream<T> {
        records(client.conn.clone(), self, query)
    }
}

/// Builds the transport, naming the failure as a network error.
fn transport(config: &ClientConfig) -> Result<Transport, AmoError> {
    Transport::new(config).map_err(|e| AmoError::Network {
        attempt: Attempt::new("INIT", "http client"),
        detail: e.to_string(),
        attempts: 0,
    })
}

/// The error for a 204 where a single object was expected.
pub(crate) fn empty_answer(url: &url::Url, what: &str) -> AmoError {
    AmoError::Schema {
        attempt: attempt_for(url),
        record: what.to_owned(),
        path: ".".to_owned(),
        detail: "204 No Content where an object was expected".to_owned(),
    }
}
