//! Output formats. Each renders from the result model in `crate::model`.

pub mod human;
