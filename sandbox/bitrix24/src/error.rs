//! The error of starting or driving the simulator itself (not the REST errors it serves).

/// What went wrong while starting or controlling a sandbox.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Binding the listening socket failed; retrying helps only if the port becomes free.
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// What the operating system answered.
        source: std::io::Error,
    },
    /// Delivering an install/uninstall event or iframe POST to the app failed.
    #[error("delivering {what} to the application failed: {detail}; retry once the app is up")]
    Delivery {
        /// Which delivery was attempted.
        what: &'static str,
        /// What the HTTP client or the app answered.
        detail: String,
    },
    /// A control call named something the portal does not have; retrying cannot help.
    #[error("control call {call} rejected: {detail}")]
    Control {
        /// Which control call was made.
        call: &'static str,
        /// Why the portal refused it.
        detail: String,
    },
}
