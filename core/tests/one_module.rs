//! A lesson is one module: no shared source file names a lesson or a protocol.
//!
//! The lessons and protocols are read from the registries themselves, so a new lesson is held to
//! this without touching the test. A name counts when it is keyed on: inside a string literal as a
//! whole word (`"tcp"`, `"paxos-calm"`, `starts_with("broadcast-")`) or in a path into a lesson
//! (`lessons::paxos`). Plain English in comments and identifiers (`Context::broadcast`,
//! `schedule_delivery`) does not count. Only non-test code is read: a file's `#[cfg(test)]`
//! module, which by this project's habit closes the file, is left out, as are the lessons'
//! own folders and the two registries (`core/src/lessons/mod.rs`, `app/src/lessons/mod.rs`). A
//! literal that only looks like a name (`--clocks`, the flag for clock labels) carries the
//! comment `// not a lesson: why` on its line (or alone on the next, where rustfmt puts it).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its closing test module and without comments.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| {
            let comment = line.trim_start().starts_with("//");
            match comment && !line.contains("// not a lesson:") {
                true => "",
                false => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether the file is a test module of its own (`#[cfg(test)] mod golden;` in its parent).
fn test_only(file: &Path) -> bool {
    let Some(stem) = file.file_stem().and_then(|s| s.to_str()) else {
        return false;
    };
    let parent = file.parent().expect("a file is in a folder");
    ["mod.rs", "lib.rs"].iter().any(|p| {
        std::fs::read_to_string(parent.join(p))
            .is_ok_and(|text| text.contains(&format!("#[cfg(test)]\nmod {stem};")))
    })
}

/// The string literals of `code` (plain `"..."` ones; raw strings are rare in shared code).
fn literals(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(start) = rest.find('"') {
        let after = &rest[start + 1..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

#[test]
fn no_shared_file_names_a_lesson_or_a_protocol() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut names: Vec<String> = Vec::new();
    for lesson in spacetime_core::lessons::all() {
        names.push(lesson.id.to_string());
        names.extend(lesson.protocols().iter().map(|p| p.name.to_string()));
    }
    let mut files = Vec::new();
    for dir in ["core/src", "app/src", "cli/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut found = Vec::new();
    for file in &files {
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        if shown.contains("/lessons/") && !shown.ends_with("/lessons/mod.rs") {
            continue; // a lesson's own module
        }
        let registry = shown.ends_with("/lessons/mod.rs");
        if test_only(file) {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        let lines: Vec<&str> = code.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            for name in &names {
                let in_literal = literals(line)
                    .iter()
                    .any(|lit| words(lit).any(|w| w == name.as_str()));
                let in_path = line.contains(&format!("lessons::{name}"));
                // A word that only looks like a name (the `--clocks` flag sets the clock
                // labels) says so on its line.
                let allowed = line.contains("// not a lesson:")
                    || lines
                        .get(n + 1)
                        .is_some_and(|next| next.trim_start().starts_with("// not a lesson:"));
                if (in_literal || in_path) && !registry && !allowed {
                    found.push(format!("{shown}:{}: names {name}: {}", n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "shared files name lessons or protocols:\n{}",
        found.join("\n")
    );
}
