//! SARIF 2.1.0: one rule per kind, one result per deduplicated group, the stack as a code flow and
//! the allocation and free stacks as related locations.

use super::group::Group;
use super::source_root::{percent_encode_path, SourceRoot};
use super::{describe_access, describe_region, describe_window, kind_info, Frame, KINDS};
use serde_json::{json, Map, Value};

pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub const SRCROOT: &str = "SRCROOT";

pub fn sarif_log(groups: &[Group], root: &SourceRoot) -> Value {
    let mut rule_ids: Vec<String> = KINDS.iter().map(|k| k.kind.to_string()).collect();
    for group in groups {
        if !rule_ids.contains(&group.kind) {
            rule_ids.push(group.kind.clone());
        }
    }
    let rules: Vec<Value> = rule_ids.iter().map(|id| rule(id)).collect();
    let results: Vec<Value> = groups
        .iter()
        .map(|group| {
            let index = rule_ids
                .iter()
                .position(|id| *id == group.kind)
                .unwrap_or_default();
            result(group, index, root)
        })
        .collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ffisan",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": root.uri()}},
            "results": results,
        }],
    })
}

fn rule(id: &str) -> Value {
    let info = kind_info(id);
    json!({
        "id": id,
        "name": pascal_case(id),
        "shortDescription": {"text": info.short},
        "fullDescription": {"text": info.short},
        "help": {"text": info.help},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["memory-safety", "ffisan"]},
    })
}

fn result(group: &Group, rule_index: usize, root: &SourceRoot) -> Value {
    let finding = &group.finding;
    let mut message = format!(
        "{}: {} at {} in {}, thread T{} (domain: {})",
        finding.kind,
        describe_access(finding),
        finding.address,
        describe_region(finding),
        finding.thread,
        finding.domain
    );
    message.push_str(describe_window(finding));
    let primary = match finding.stack.iter().find(|f| {
        f.file == group.location.file
            && f.line == group.location.line
            && f.function == group.location.function
    }) {
        Some(frame) => location(frame, None, root),
        None => json!({"message": {"text": "location unknown"}}),
    };
    let mut result = json!({
        "ruleId": finding.kind,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": message},
        "locations": [primary],
        "occurrenceCount": group.count,
    });
    let object = result.as_object_mut().expect("a result is an object");
    if !finding.stack.is_empty() {
        object.insert(
            "codeFlows".into(),
            code_flow(&finding.stack, finding.thread, root),
        );
    }
    let related = related_locations(group, root);
    if !related.is_empty() {
        object.insert("relatedLocations".into(), Value::Array(related));
    }
    result
}

/// The access stack as one thread flow, outermost call first (the order things happened).
fn code_flow(stack: &[Frame], thread: i64, root: &SourceRoot) -> Value {
    let depth = stack.len();
    let locations: Vec<Value> = stack
        .iter()
        .enumerate()
        .rev()
        .map(|(index, frame)| {
            json!({
                "location": location(frame, Some(format!("#{index} {}", function_name(frame))), root),
                "nestingLevel": depth - 1 - index,
            })
        })
        .collect();
    json!([{
        "message": {"text": format!("stack of the access (thread T{thread})")},
        "threadFlows": [{"locations": locations}],
    }])
}

fn related_locations(group: &Group, root: &SourceRoot) -> Vec<Value> {
    let finding = &group.finding;
    let stacks = [
        ("freed by", &finding.free_stack, finding.free_thread),
        (
            "previously allocated by",
            &finding.alloc_stack,
            finding.alloc_thread,
        ),
    ];
    let mut related = Vec::new();
    for (what, stack, thread) in stacks {
        let thread = thread.map(|t| format!(" thread T{t}")).unwrap_or_default();
        for (index, frame) in stack.iter().enumerate() {
            let text = format!("{what}{thread}: #{index} {}", function_name(frame));
            let mut location = location(frame, Some(text), root);
            location["id"] = json!(related.len() + 1);
            related.push(location);
        }
    }
    related
}

/// A SARIF location for a frame: the file (relative to SRCROOT when under it) and line, the
/// function as a logical location.
fn location(frame: &Frame, message: Option<String>, root: &SourceRoot) -> Value {
    let mut location = Map::new();
    if let Some(file) = &frame.file {
        let artifact = match root.relative(file) {
            Some(relative) => json!({"uri": percent_encode_path(&relative), "uriBaseId": SRCROOT}),
            None => json!({"uri": format!("file://{}", percent_encode_path(file))}),
        };
        let mut physical = json!({"artifactLocation": artifact});
        if frame.line > 0 {
            let mut region = json!({"startLine": frame.line});
            if frame.column > 0 {
                region["startColumn"] = json!(frame.column);
            }
            physical["region"] = region;
        }
        location.insert("physicalLocation".into(), physical);
    }
    if let Some(function) = &frame.function {
        location.insert(
            "logicalLocations".into(),
            json!([{"name": function, "kind": "function"}]),
        );
    }
    if let Some(text) = message {
        location.insert("message".into(), json!({"text": text}));
    }
    Value::Object(location)
}

fn function_name(frame: &Frame) -> String {
    match (&frame.function, &frame.pc) {
        (Some(function), _) => format!("in {function}"),
        (None, Some(pc)) => format!("at {pc}"),
        (None, None) => "<unknown>".to_string(),
    }
}

/// `heap-use-after-free` → `HeapUseAfterFree` (SARIF rule names are identifiers).
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase()).into_iter();
            first.chain(chars).collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::group::group;
    use crate::findings::reader::{parse_findings, tests::UAF};
    use std::path::Path;

    fn log_for(text: &str) -> Value {
        let findings = parse_findings("t", text.as_bytes(), 1).unwrap();
        let root = SourceRoot::new(Some(Path::new("/src"))).unwrap();
        sarif_log(&group(&findings), &root)
    }

    #[test]
    fn log_has_rules_for_every_kind_and_one_result_per_group() {
        let log = log_for(&[UAF, UAF].join("\n"));
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), KINDS.len());
        assert_eq!(rules[0]["id"], "heap-use-after-free");
        assert_eq!(rules[0]["name"], "HeapUseAfterFree");
        assert_eq!(run["originalUriBaseIds"]["SRCROOT"]["uri"], "file:///src/");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 1);
        let result = &results[0];
        assert_eq!(result["ruleId"], "heap-use-after-free");
        assert_eq!(result["ruleIndex"], 0);
        assert_eq!(result["level"], "error");
        assert_eq!(result["occurrenceCount"], 2);
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], "uaf.c");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "SRCROOT");
        assert_eq!(physical["region"]["startLine"], 12);
        assert_eq!(physical["region"]["startColumn"], 9);
    }

    #[test]
    fn stack_is_a_code_flow_outermost_first_and_alloc_free_are_related() {
        let log = log_for(UAF);
        let result = &log["runs"][0]["results"][0];
        let steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0]["location"]["message"]["text"], "#1 in main");
        assert_eq!(
            steps[1]["location"]["physicalLocation"]["region"]["startLine"],
            12
        );
        let related = result["relatedLocations"].as_array().unwrap();
        assert_eq!(related.len(), 1);
        assert_eq!(related[0]["id"], 1);
        assert_eq!(
            related[0]["message"]["text"],
            "previously allocated by thread T0: #0 in malloc"
        );
        assert!(related[0].get("physicalLocation").is_none());
    }

    #[test]
    fn unknown_kinds_get_their_own_rule() {
        let log = log_for(&UAF.replace("heap-use-after-free", "new-kind"));
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.last().unwrap()["id"], "new-kind");
        assert_eq!(log["runs"][0]["results"][0]["ruleIndex"], KINDS.len());
    }

    #[test]
    fn files_outside_the_root_are_absolute_file_uris() {
        let log = log_for(&UAF.replace("/src/uaf.c", "/usr/include/x y.h"));
        let artifact =
            &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uri"], "file:///usr/include/x%20y.h");
        assert!(artifact.get("uriBaseId").is_none());
    }
}
