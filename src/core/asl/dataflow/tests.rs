//! The data-flow analysis on small definitions.

use super::shape::MAX_SHAPE_DEPTH;
use super::*;
use crate::core::syntax::json;

fn args_of(text: &str, state: &str) -> Vec<Argument> {
    let root = json::parse(text).root.unwrap();
    let machine = StateMachine::lower(&root);
    let result = analyze(&machine);
    let id = machine.states.iter().find(|s| s.name == state).unwrap().id;
    result.get(&id).cloned().unwrap_or_default()
}

fn provenance(text: &str, state: &str, arg: &str) -> (Leaf, bool) {
    let a = args_of(text, state).into_iter().find(|a| a.name == arg).unwrap();
    (a.provenance, a.validated)
}

const TASK: &str = r#""Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true"#;

#[test]
fn result_path_deeper_than_the_limit_is_cut_at_the_limit() {
    for n in [3, 9, 4_500, 100_000] {
        let deep = ".a".repeat(n);
        let text = format!(
            r#"{{"StartAt":"P","States":{{
            "P":{{"Type":"Pass","Parameters":{{"x.$":"$.fn"}},"ResultPath":"${deep}","Next":"T"}},
            "T":{{{TASK},"Parameters":{{"FunctionName.$":"${deep}.x"}}}}}}}}"#
        );
        let expected = if n <= MAX_SHAPE_DEPTH {
            "$.fn".to_string()
        } else {
            format!("$.fn{}.x", ".a".repeat(n - MAX_SHAPE_DEPTH))
        };
        assert_eq!(
            provenance(&text, "T", "FunctionName").0,
            Leaf::Input(expected.into())
        );
    }
}

#[test]
fn catch_result_path_deeper_than_the_limit() {
    let deep = ".a".repeat(4_500);
    let text = format!(
        r#"{{"StartAt":"S","States":{{
        "S":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{{"FunctionName":"f"}},
             "Catch":[{{"ErrorEquals":["States.ALL"],"ResultPath":"${deep}","Next":"T"}}],"End":true}},
        "T":{{{TASK},"Parameters":{{"FunctionName.$":"${deep}"}}}}}}}}"#
    );
    // The error lands below the limit: joined with the input it replaces.
    assert_eq!(
        provenance(&text, "T", "FunctionName").0,
        Leaf::Input(format!("${deep}").into())
    );
}

#[test]
fn direct_input_reference() {
    let text = format!(
        r#"{{"StartAt":"T","States":{{"T":{{{TASK},"Parameters":{{"FunctionName.$":"$.fn","Payload":{{}}}}}}}}}}"#
    );
    assert_eq!(
        provenance(&text, "T", "FunctionName"),
        (Leaf::Input("$.fn".into()), false)
    );
    let a = args_of(&text, "T");
    assert_eq!(a[0].test_path.as_deref(), Some("$.fn"));
}

#[test]
fn literal_and_context_are_not_input() {
    let text = format!(
        r#"{{"StartAt":"T","States":{{"T":{{{TASK},"Parameters":{{"FunctionName":"arn:aws:lambda:us-east-1:1:function:f","Id.$":"$$.Execution.Id","In.$":"$$.Execution.Input.x"}}}}}}}}"#
    );
    assert!(matches!(
        provenance(&text, "T", "FunctionName").0,
        Leaf::Literal(_)
    ));
    assert_eq!(provenance(&text, "T", "Id").0, Leaf::Computed);
    assert_eq!(provenance(&text, "T", "In").0, Leaf::Input("$.x".into()));
}

#[test]
fn flows_through_pass_result_path_and_intrinsics() {
    let text = r#"{"StartAt":"P","States":{
        "P":{"Type":"Pass","Parameters":{"cfg.$":"$.settings"},"ResultPath":"$.c","Next":"Q"},
        "Q":{"Type":"Pass","Result":"literal","ResultPath":"$.lit","Next":"T"},
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
             "Parameters":{"FunctionName.$":"States.Format('fn-{}', $.c.cfg.name)","Other.$":"$.lit"}}}}"#;
    assert_eq!(
        provenance(text, "T", "FunctionName").0,
        Leaf::Input("$.settings.name".into())
    );
    assert_eq!(
        provenance(text, "T", "Other").0,
        Leaf::Literal(Arc::new(serde_json::json!("literal")))
    );
}

#[test]
fn task_result_replaces_input() {
    let text = r#"{"StartAt":"A","States":{
        "A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"x"},"Next":"T"},
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Parameters":{"FunctionName.$":"$.fn"}}}}"#;
    assert_eq!(provenance(text, "T", "FunctionName").0, Leaf::Computed);
}

#[test]
fn choice_must_dominate() {
    let guarded = r#"{"StartAt":"C","States":{
        "C":{"Type":"Choice","Choices":[{"Variable":"$.fn","StringMatches":"arn:aws:lambda:us-east-1:1:function:*","Next":"T"}],"Default":"F"},
        "F":{"Type":"Fail"},
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Parameters":{"FunctionName.$":"$.fn"}}}}"#;
    assert_eq!(
        provenance(guarded, "T", "FunctionName"),
        (Leaf::Input("$.fn".into()), true)
    );
    let bypass = guarded.replace(r#""Default":"F""#, r#""Default":"T""#);
    assert_eq!(
        provenance(&bypass, "T", "FunctionName"),
        (Leaf::Input("$.fn".into()), false)
    );
    let star = guarded.replace("arn:aws:lambda:us-east-1:1:function:*", "*");
    assert!(!provenance(&star, "T", "FunctionName").1);
}

#[test]
fn jsonata_and_variables() {
    let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{
        "A":{"Type":"Pass","Assign":{"target":"{% $states.input.job.fn %}"},"Next":"T"},
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
             "Arguments":{"FunctionName":"{% $target %}","Payload":"{% $states.input %}"}}}}"#;
    assert_eq!(
        provenance(text, "T", "FunctionName").0,
        Leaf::Input("$.job.fn".into())
    );
    let a = args_of(text, "T");
    assert_eq!(a[0].test_path.as_deref(), Some("$target"));
}

#[test]
fn map_items_carry_input() {
    let text = r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.jobs","End":true,
        "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
        "Parameters":{"FunctionName.$":"$.fn"}}}}}}}"#;
    assert_eq!(
        provenance(text, "T", "FunctionName").0,
        Leaf::Input("$.jobs[*].fn".into())
    );
}

#[test]
fn loops_terminate() {
    let text = r#"{"StartAt":"A","States":{
        "A":{"Type":"Pass","Parameters":{"x.$":"$"},"ResultPath":"$.deeper","Next":"A2"},
        "A2":{"Type":"Pass","Next":"A"}}}"#;
    let root = json::parse(text).root.unwrap();
    let machine = StateMachine::lower(&root);
    assert!(analyze(&machine).is_empty());
}

#[test]
fn parallel_elements_are_their_branches() {
    let text = r#"{"StartAt":"P","States":{
        "P":{"Type":"Parallel","Next":"T","Branches":[
            {"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:ec2:runInstances",
                "Parameters":{"ImageId":"ami-1"},"ResultSelector":{"Id.$":"$.Instances[0].InstanceId"},"End":true}}},
            {"StartAt":"Keep","States":{"Keep":{"Type":"Pass","ResultPath":null,"End":true}}}]},
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
             "Parameters":{"A.$":"$[0].Id","B.$":"$[1].Id","C.$":"$[*].Id","D.$":"$[2].Id"}}}}"#;
    assert_eq!(provenance(text, "T", "A").0, Leaf::Computed);
    assert_eq!(provenance(text, "T", "B").0, Leaf::Input("$.Id".into()));
    assert_eq!(provenance(text, "T", "C").0, Leaf::Input("$.Id".into()));
    assert_eq!(provenance(text, "T", "D").0, Leaf::Input("$.Id".into()));
    assert_eq!(args_of(text, "T")[1].test_path.as_deref(), Some("$[1].Id"));
    // A branch that is not an object is not lowered: the elements no longer
    // line up with the branches, so each reads as any branch's output.
    let skewed = text.replace(r#""Branches":["#, r#""Branches":[7,"#);
    assert_eq!(provenance(&skewed, "T", "A").0, Leaf::Input("$.Id".into()));
}

#[test]
fn an_index_of_the_input_keeps_its_place() {
    let text = format!(
        r#"{{"StartAt":"C","States":{{
        "C":{{"Type":"Choice","Choices":[{{"Variable":"$.fns[0]","StringEquals":"a","Next":"T"}}],"Default":"F"}},
        "F":{{"Type":"Fail"}},
        "T":{{{TASK},"Parameters":{{"FunctionName.$":"$.fns[0]","Other.$":"$.fns[1]"}}}}}}}}"#
    );
    assert_eq!(
        provenance(&text, "T", "FunctionName"),
        (Leaf::Input("$.fns[0]".into()), true)
    );
    assert_eq!(
        provenance(&text, "T", "Other"),
        (Leaf::Input("$.fns[1]".into()), false)
    );
}

#[test]
fn other_fields_keep_their_path_after_a_result_path() {
    let text = r#"{"StartAt":"A","States":{
        "A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"x"},"ResultPath":"$.r","Next":"C"},
        "C":{"Type":"Choice","Choices":[{"Variable":"$.Good","StringEquals":"ok","Next":"T"}],"Default":"F"},
        "F":{"Type":"Fail"},
        "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
             "Parameters":{"FunctionName.$":"$.Evil","Good.$":"$.Good","Deep.$":"$.a.b","R.$":"$.r.x"}}}}"#;
    assert_eq!(
        provenance(text, "T", "FunctionName"),
        (Leaf::Input("$.Evil".into()), false)
    );
    assert_eq!(
        provenance(text, "T", "Good"),
        (Leaf::Input("$.Good".into()), true)
    );
    assert_eq!(provenance(text, "T", "Deep").0, Leaf::Input("$.a.b".into()));
    assert_eq!(provenance(text, "T", "R").0, Leaf::Computed);
}

#[test]
fn a_batch_holds_its_items_and_batch_input() {
    let text = r#"{"StartAt":"P","States":{
        "P":{"Type":"Pass","Parameters":{"Bucket.$":"$.bucket"},"ResultPath":"$.params","Next":"M"},
        "M":{"Type":"Map","ItemsPath":"$.keys","End":true,
             "ItemBatcher":{"MaxItemsPerBatch":10,"BatchInput":{"bucket.$":"$.params.Bucket","fixed":"x"}},
             "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
             "Parameters":{"FunctionName.$":"$.BatchInput.bucket","Fixed.$":"$.BatchInput.fixed","Item.$":"$.Items[0]","Other.$":"$.other"}}}}}}}"#;
    assert_eq!(
        provenance(text, "T", "FunctionName").0,
        Leaf::Input("$.bucket".into())
    );
    assert_eq!(
        provenance(text, "T", "Fixed").0,
        Leaf::Literal(Arc::new(serde_json::json!("x")))
    );
    assert_eq!(provenance(text, "T", "Item").0, Leaf::Input("$.keys[*]".into()));
    assert_eq!(provenance(text, "T", "Other").0, Leaf::Computed);
}
