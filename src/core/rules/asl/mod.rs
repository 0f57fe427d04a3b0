//! ASL validity rules (`asl-*`): what AWS rejects or the language forbids.
//! One file per rule, named after its id; `common` holds what they share.
//! The registry (`crate::core::rules::RULES`) says which run per state,
//! which on the whole machine.

pub mod common;
pub mod run;

pub mod asl_choice_rule;
pub mod asl_credentials;
pub mod asl_duplicate_key;
pub mod asl_field_conflict;
pub mod asl_field_value;
pub mod asl_intrinsic;
pub mod asl_invalid_type;
pub mod asl_jsonata;
pub mod asl_map;
pub mod asl_missing_field;
pub mod asl_missing_start_at;
pub mod asl_no_terminal_state;
pub mod asl_path;
pub mod asl_payload_template;
pub mod asl_query_language;
pub mod asl_resource;
pub mod asl_retry_catch;
pub mod asl_state_name;
pub mod asl_unknown_field;
pub mod asl_unknown_integration;
pub mod asl_unknown_state;
pub mod asl_unreachable_state;
pub mod asl_variable;
pub mod asl_wait;

pub use common::{
    closest, edit_distance, is_placeholder, string_range, walk, DefinitionContext, StringRanges,
};
pub use run::{check, StateMemo};
