//! `Control`: the test's handle on a running portal (plan, users, user fields, domain, app
//! install and removal, faults, clock, call log, state dump).

use std::time::Duration;

use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::install::{InstallGrant, post_form};
use crate::auth::oauth_server::token_reply;
use crate::calllog::CallRecord;
use crate::config::plan_key;
use crate::error::SandboxError;
use crate::faults::{Chaos, Fault};
use crate::portal::{User, UserKind};
use crate::world::{SharedWorld, World, lock};

/// A user a test adds to the portal.
#[derive(Debug, Clone, Deserialize)]
pub struct NewUser {
    /// Login e-mail.
    pub email: String,
    /// First name.
    #[serde(default)]
    pub name: String,
    /// Last name.
    #[serde(default)]
    pub last_name: String,
    /// Active account (inactive users cannot call REST and are filtered by `ACTIVE`).
    #[serde(default = "yes")]
    pub active: bool,
    /// Administrator.
    #[serde(default)]
    pub admin: bool,
    /// Employee, extranet, integrator or bot.
    #[serde(default = "employee")]
    pub kind: UserKind,
}

fn yes() -> bool {
    true
}

fn employee() -> UserKind {
    UserKind::Employee
}

impl NewUser {
    /// An active employee with this e-mail and name.
    pub fn employee(email: &str, name: &str, last_name: &str) -> NewUser {
        NewUser {
            email: email.to_string(),
            name: name.to_string(),
            last_name: last_name.to_string(),
            active: true,
            admin: false,
            kind: UserKind::Employee,
        }
    }
}

/// The control handle of one sandbox; cheap to clone.
#[derive(Debug, Clone)]
pub struct Control {
    world: SharedWorld,
}

impl Control {
    pub(crate) fn new(world: SharedWorld) -> Control {
        Control { world }
    }

    fn with<T>(&self, f: impl FnOnce(&mut World) -> T) -> T {
        f(&mut lock(&self.world))
    }

    /// Switches the plan (`LICENSE` code). Moving onto `*_demo` keeps the old code as
    /// `LICENSE_PREVIOUS`.
    pub fn set_plan(&self, license: &str) {
        self.with(|world| {
            let previous = std::mem::replace(&mut world.plan, license.to_string());
            world.license_previous = (plan_key(license) == "demo").then_some(previous);
        });
    }

    /// Adds a portal user; returns its id.
    pub fn add_user(&self, user: NewUser) -> u64 {
        self.with(|world| {
            let id = world.next_id("user");
            let departments = if user.kind == UserKind::Extranet {
                vec![]
            } else {
                vec![1]
            };
            world.portal.users.insert(
                id,
                User {
                    id,
                    email: user.email,
                    name: user.name,
                    last_name: user.last_name,
                    active: user.active,
                    admin: user.admin || user.kind == UserKind::Integrator,
                    kind: user.kind,
                    departments,
                    invited: false,
                },
            );
            id
        })
    }

    /// Activates or deactivates a user.
    pub fn set_user_active(&self, user_id: u64, active: bool) -> Result<(), SandboxError> {
        self.with(|world| match world.portal.users.get_mut(&user_id) {
            Some(user) => {
                user.active = active;
                Ok(())
            }
            None => Err(SandboxError::Control {
                call: "set_user_active",
                detail: format!("no user {user_id}"),
            }),
        })
    }

    /// Sets the MANDATORY flag of a user field (`entity` = `deal`, `contact`, `company`, `lead`).
    pub fn set_user_field_mandatory(
        &self,
        entity: &str,
        field_name: &str,
        mandatory: bool,
    ) -> Result<(), SandboxError> {
        let entity_id = format!("CRM_{}", entity.to_uppercase());
        let name = crate::methods::userfield::normalize_name(field_name);
        self.with(|world| {
            let field = world
                .portal
                .user_fields
                .values_mut()
                .find(|uf| uf.entity_id == entity_id && uf.field_name == name);
            match field {
                Some(field) => {
                    field.mandatory = mandatory;
                    Ok(())
                }
                None => Err(SandboxError::Control {
                    call: "set_user_field_mandatory",
                    detail: format!("no user field {name} on {entity_id}"),
                }),
            }
        })
    }

    /// Turns the portal option "check mandatory user fields on REST" on or off.
    pub fn set_enforce_mandatory_user_fields(&self, on: bool) {
        self.with(|world| world.modes.enforce_mandatory_user_fields = on);
    }

    /// Moves the portal to `new_host` (e.g. `localhost:PORT`): calls arriving with the old
    /// `Host` get a 302 to the new one; `member_id` stays.
    pub fn change_domain(&self, new_host: &str) {
        self.with(|world| {
            let old = std::mem::replace(&mut world.domain, new_host.to_string());
            if !world.old_domains.contains(&old) {
                world.old_domains.push(old);
            }
            world.old_domains.retain(|d| d != new_host);
        });
    }

    /// Turns REST off (free plan without Market: 403 `ACCESS_DENIED`).
    pub fn set_rest_disabled(&self, disabled: bool) {
        self.with(|world| world.modes.rest_disabled = disabled);
    }

    /// Marks the portal deleted (`PORTAL_DELETED` with `status`), or alive with `None`.
    pub fn set_portal_deleted(&self, status: Option<u16>) {
        self.with(|world| world.modes.portal_deleted = status);
    }

    /// Marks the app's subscription paid or over (refresh answers `PAYMENT_REQUIRED`).
    pub fn set_app_paid(&self, paid: bool) {
        self.with(|world| world.auth.app.paid = paid);
    }

    /// The OAuth client id and secret of the app.
    pub fn client_credentials(&self) -> (String, String) {
        self.with(|world| {
            (
                world.auth.app.client_id.clone(),
                world.auth.app.client_secret.expose_secret().to_string(),
            )
        })
    }

    /// Installs the app for `user_id` and returns what the portal hands it. `INSTALLED`
    /// stays false until [`Control::finish_install`] (or an `ONAPPINSTALL` delivery).
    pub fn install_app(&self, user_id: u64) -> InstallGrant {
        self.with(|world| {
            world.auth.app.present = true;
            world.auth.app.installed = false;
            let reply = token_reply(world, user_id);
            let text = |key: &str| reply[key].as_str().unwrap_or_default().to_string();
            InstallGrant {
                access_token: text("access_token"),
                refresh_token: text("refresh_token"),
                expires_in: reply["expires_in"].as_i64().unwrap_or(3600),
                scope: text("scope"),
                domain: world.domain.clone(),
                client_endpoint: text("client_endpoint"),
                server_endpoint: text("server_endpoint"),
                member_id: text("member_id"),
                status: text("status"),
                application_token: world.auth.app.application_token.expose_secret().to_string(),
                user_id,
            }
        })
    }

    /// What `BX24.installFinish()` does: `INSTALLED` becomes true.
    pub fn finish_install(&self) {
        self.with(|world| world.auth.app.installed = true);
    }

    /// POSTs the iframe form (installer or app page) to `url`; returns the app's status.
    pub async fn open_app_page(
        &self,
        url: &str,
        grant: &InstallGrant,
    ) -> Result<u16, SandboxError> {
        let app_sid = self.with(|world| world.rng.hex(32));
        post_form(
            "the iframe POST",
            url,
            &grant.iframe_query(&app_sid),
            &grant.iframe_body(),
        )
        .await
    }

    /// POSTs `ONAPPINSTALL` to the app's handler; the app counts as installed afterwards.
    pub async fn deliver_install_event(
        &self,
        url: &str,
        grant: &InstallGrant,
    ) -> Result<u16, SandboxError> {
        let ts = self.with(|world| {
            world.auth.app.installed = true;
            world.now().timestamp()
        });
        post_form("ONAPPINSTALL", url, &[], &grant.install_event(ts)).await
    }

    /// Removes the app: its tokens answer 401 `APPLICATION_NOT_FOUND` from now on, and stay
    /// dead (`invalid_token`, `invalid_grant`) after a reinstall.
    pub fn remove_app(&self) {
        self.with(|world| {
            world.auth.app.present = false;
            world.auth.app.installed = false;
            world
                .auth
                .access
                .values_mut()
                .for_each(|token| token.revoked = true);
            world
                .auth
                .refresh
                .values_mut()
                .for_each(|token| token.used = true);
        });
    }

    /// Removes the app and POSTs `ONAPPUNINSTALL` (no tokens) to `url`.
    pub async fn remove_app_and_notify(
        &self,
        url: &str,
        grant: &InstallGrant,
        clean: bool,
    ) -> Result<u16, SandboxError> {
        self.remove_app();
        let ts = self.with(|world| world.now().timestamp());
        post_form(
            "ONAPPUNINSTALL",
            url,
            &[],
            &grant.uninstall_event(ts, clean),
        )
        .await
    }

    /// An authorization code of the full OAuth flow (valid 30 s of portal time).
    pub fn authorization_code(&self, user_id: u64) -> String {
        self.with(|world| {
            let code = world.rng.hex(32);
            let expires = world.now() + chrono::TimeDelta::seconds(30);
            world.auth.codes.insert(code.clone(), (user_id, expires));
            code
        })
    }

    /// Injects a scripted fault.
    pub fn inject_fault(&self, fault: Fault) {
        self.with(|world| world.faults.inject(fault));
    }

    /// Answers every call of `method` late, after carrying it out (zero stops it).
    pub fn slow_down(&self, method: &str, delay: std::time::Duration) {
        self.with(|world| world.faults.slow_down(method, delay));
    }

    /// Starts random failures (or stops them with `None`).
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        self.with(|world| world.faults.set_chaos(chaos));
    }

    /// Removes all faults and chaos.
    pub fn clear_faults(&self) {
        self.with(|world| world.faults.clear());
    }

    /// Moves the portal clock forward (token expiry, operating windows, dates). The leaky
    /// bucket drains by the same amount.
    pub fn advance_clock(&self, by: Duration) {
        self.with(|world| {
            world.clock.advance(by);
            world.advanced_secs += by.as_secs_f64();
        });
    }

    /// Empties the leaky bucket.
    pub fn reset_rate_limit(&self) {
        self.with(|world| world.bucket.clear());
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<CallRecord> {
        self.with(|world| world.calls.clone())
    }

    /// Forgets the calls so far.
    pub fn clear_calls(&self) {
        self.with(|world| world.calls.clear());
    }

    /// The whole portal state as JSON.
    pub fn state(&self) -> Value {
        self.with(|world| {
            let mut state = serde_json::to_value(&world.portal).unwrap_or(Value::Null);
            state["plan"] = json!(world.plan);
            state["domain"] = json!(world.domain);
            state["app"] = serde_json::to_value(&world.auth.app).unwrap_or(Value::Null);
            state["enforce_mandatory_user_fields"] =
                json!(world.modes.enforce_mandatory_user_fields);
            state
        })
    }
}
