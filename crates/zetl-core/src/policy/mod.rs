//! The IAM policy engine: parse documents, evaluate requests the way AWS does, explain why.
//!
//! Self-contained: depends on nothing else in the crate.
//!
//! ```
//! use zetl_core::policy::*;
//!
//! let table_policy = PolicyDocument::parse(r#"{"Version": "2012-10-17", "Statement": [{
//!     "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
//!     "Action": "dynamodb:DescribeTable", "Resource": "*",
//!     "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}]}"#).unwrap();
//! let request = Request::new(
//!     Principal::parse("glue.amazonaws.com").unwrap(),
//!     "dynamodb:DescribeTable",
//!     "arn:aws:dynamodb:us-east-1:444455556666:table/orders",
//! )
//! .with_context(RequestContext::new().with("aws:SourceAccount", "444455556666"));
//! let policies = PolicySet::new().resource(NamedPolicy::new("table policy", &table_policy), ResourcePolicyKind::Generic);
//! let e = evaluate(&request, &policies);
//! assert_eq!(e.decision, Decision::ImplicitlyDenied);
//! assert!(matches!(&e.near_misses[0].reasons[0],
//!     MissReason::ConditionFailed { note: Some(n), .. } if n == "names account 111122223333, the request comes from account 444455556666"));
//! ```
//!
//! Module map: `document` (grammar, errors with JSON paths), `principal` (who asks, who a
//! statement names), `matching` (wildcards, ARNs, policy variables), `condition` (operators and
//! missing-key rules), `context` (condition keys), `tri` (three-valued logic), `evaluate` (the
//! decision), `aws_rules` (AWS's own rules above the policies), `explain` (near misses and
//! sentences).

mod aws_rules;
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
    decode_document, ActionBlock, ActionPattern, Effect, NamedPolicy, PolicyDocument, PolicyError,
    PrincipalBlock, ResourceBlock, ResourcePattern, Statement,
};
pub use evaluate::{
    evaluate, evaluate_with, Decision, EvaluateOptions, Evaluation, PolicySet, Request,
    ResourcePolicyKind, StatementRef,
};
pub use explain::{MissReason, NearMiss};
pub use principal::{AwsPrincipalRef, Principal, PrincipalMatch, PrincipalSpec};
pub use tri::Tri;
