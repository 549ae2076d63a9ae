//! The IAM policy engine: parse documents, evaluate requests the way AWS does, explain why.
//!
//! Self-contained: depends on nothing else in the crate.

mod condition;
mod context;
mod document;
mod evaluate;
mod explain;
mod matching;
mod principal;
mod tri;

pub use condition::Condition;
pub use context::{ContextValue, RequestContext};
pub use document::{
    ActionBlock, ActionPattern, Effect, NamedPolicy, PolicyDocument, PolicyError, PrincipalBlock,
    ResourceBlock, ResourcePattern, Statement,
};
pub use evaluate::{
    evaluate, Decision, Evaluation, PolicySet, Request, ResourcePolicyKind, StatementRef,
};
pub use explain::{MissReason, NearMiss};
pub use principal::{AwsPrincipalRef, Principal, PrincipalMatch, PrincipalSpec};
pub use tri::Tri;
