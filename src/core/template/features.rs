//! The features of a state machine resource that need permissions of its
//! role: logging, tracing and encryption with a customer managed key.

use crate::core::unit::MachineResource;

/// A feature of a state machine resource that needs permissions of its
/// role, and the key that turns it on (`LoggingConfiguration`, SAM
/// `Tracing`, a Terraform `logging_configuration` block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureUse {
    pub feature: crate::core::catalog::MachineFeature,
    /// The key as the template names it.
    pub key: String,
    pub range: crate::core::text::TextRange,
    /// The KMS key an encryption configuration names, as resolved.
    pub kms_key: Option<String>,
}

/// Whether an encryption configuration uses a customer managed key.
fn customer_managed(config: &crate::core::syntax::Node, type_key: &str) -> bool {
    config
        .untagged()
        .get(type_key)
        .and_then(|t| t.untagged().as_str())
        .is_some_and(|t| t == "CUSTOMER_MANAGED_KMS_KEY")
}

/// Whether a logging configuration sets a level other than `OFF` (the
/// default level is `OFF`).
fn logging_on(config: &crate::core::syntax::Node, level_key: &str) -> bool {
    config
        .untagged()
        .get(level_key)
        .and_then(|l| l.untagged().as_str())
        .is_some_and(|l| !l.eq_ignore_ascii_case("OFF"))
}

/// Whether a tracing configuration is enabled.
pub fn tracing_on(config: &crate::core::syntax::Node, enabled_key: &str) -> bool {
    config.untagged().get(enabled_key).is_some_and(|e| {
        let e = e.untagged();
        e.as_bool() == Some(true) || e.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
    })
}

/// The features of the resource that need its role's permissions: logging
/// at a level other than `OFF` and tracing enabled. A value the template
/// computes (a parameter, a condition) is not judged. For a SAM state
/// machine whose role SAM generates, the role holds what `Policies` lists
/// plus what SAM adds itself (`sam::generated_role_additions`).
pub fn machine_features(machine: &MachineResource) -> Vec<FeatureUse> {
    use crate::core::catalog::MachineFeature;
    use crate::core::syntax::Member;
    let mut out = Vec::new();
    let mut push = |feature, member: &Member| {
        out.push(FeatureUse {
            feature,
            key: member.key.clone(),
            range: member.key_span,
            kms_key: (feature == MachineFeature::Encryption)
                .then(|| machine.encryption_key.clone())
                .flatten(),
        })
    };
    if machine.dialect == crate::core::fix::Dialect::Hcl {
        let Some(name) = machine.logical_id.rsplit("aws_sfn_state_machine.").next() else {
            return out;
        };
        let blocks = machine
            .root
            .members()
            .iter()
            .filter(|m| m.key == "resource")
            .filter_map(|m| m.value.get("aws_sfn_state_machine"))
            .filter_map(|blocks| blocks.get(name));
        for body in blocks {
            if let Some(m) = body.member("logging_configuration") {
                if logging_on(&m.value, "level") {
                    push(MachineFeature::Logging, m);
                }
            }
            if let Some(m) = body.member("tracing_configuration") {
                if tracing_on(&m.value, "enabled") {
                    push(MachineFeature::Tracing, m);
                }
            }
            if let Some(m) = body.member("encryption_configuration") {
                if customer_managed(&m.value, "type") && machine.encryption_key.is_some() {
                    push(MachineFeature::Encryption, m);
                }
            }
        }
        return out;
    }
    let template = machine.template();
    let Some(resource) = template.resource(&machine.logical_id) else {
        return out;
    };
    let Some(properties) = resource.properties else {
        return out;
    };
    let sam = resource.kind == "AWS::Serverless::StateMachine";
    let (logging, tracing) = if sam {
        ("Logging", "Tracing")
    } else {
        ("LoggingConfiguration", "TracingConfiguration")
    };
    if let Some(m) = properties.member(logging) {
        if logging_on(&m.value, "Level") {
            push(MachineFeature::Logging, m);
        }
    }
    if let Some(m) = properties.member(tracing) {
        if tracing_on(&m.value, "Enabled") {
            push(MachineFeature::Tracing, m);
        }
    }
    if let Some(m) = properties.member("EncryptionConfiguration") {
        if customer_managed(&m.value, "Type") && machine.encryption_key.is_some() {
            push(MachineFeature::Encryption, m);
        }
    }
    out
}
