//! Errors of starting and stopping the sandbox.

/// What went wrong while running the sandbox itself (not the simulated API's answers).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Binding 127.0.0.1 failed; retrying with port 0 helps if the port was taken.
    #[error("could not bind 127.0.0.1:{port} for the amoCRM sandbox: {source}")]
    Bind {
        /// The requested port.
        port: u16,
        /// The OS error.
        source: std::io::Error,
    },
    /// The bound socket has no local address; not retryable.
    #[error("the amoCRM sandbox socket has no local address: {0}")]
    LocalAddress(std::io::Error),
}
