//! The two request limits of a portal: the leaky bucket and the per-method operating budget.

pub mod bucket;
pub mod operating;
