//! From a checked [`Config`] to a live snapshot, all or nothing.

use super::classes;
use super::error::ConfigError;
use super::model::{Config, Defined, FilterSpec, FormatterSpec, HandlerSpec, LoggerSpec};
use super::model::{PathStyle, Place};
use super::names::Names;
use super::opener::Opener;
use crate::filter::{Filter, NameFilter};
use crate::format::{Formatter, Style};
use crate::handler::{SharedHandler, SharedHandlerBuilder};
use crate::level::Level;
use crate::registry::factories::Factories;
use crate::registry::{ancestors, Core, Draft, LoggerSettings, ROOT};
use std::collections::HashSet;
use std::sync::Arc;

/// `incremental: true`: only handler levels, logger levels and propagate.
pub(super) fn apply_incremental(core: &Core, config: &Config) -> Result<(), ConfigError> {
    let levels = incremental_levels(core, config)?;
    core.reconfigure(|draft| {
        for (handler, level) in &levels {
            handler.set_level(*level);
        }
        for (name, spec) in &config.loggers {
            let id = draft.id(name);
            let settings = draft.settings(id);
            if let Some(level) = spec.level {
                settings.level = level;
            }
            settings.disabled = false;
            if let Some(propagate) = spec.propagate {
                settings.propagate = propagate;
            }
        }
        if let Some(level) = config.root.as_ref().and_then(|r| r.level) {
            draft.settings(ROOT).level = level;
        }
    });
    Ok(())
}

/// The running handlers an incremental configuration names, with the
/// levels it gives them; an unknown name is an error.
pub(super) fn incremental_levels(
    core: &Core,
    config: &Config,
) -> Result<Vec<(SharedHandler, Level)>, ConfigError> {
    let mut levels = Vec::new();
    {
        let live = core.current();
        let defined = &live.defined;
        for (name, spec) in &config.handlers {
            let found = defined.handlers.iter().map(|(h, _)| h);
            let Some(handler) = found.clone().find(|h| h.name() == Some(name)) else {
                let place = place(config.style, "handler", name);
                return Err(place.error("", format!("No handler found with name '{name}'")));
            };
            if let Some(level) = spec.level {
                levels.push((handler.clone(), level));
            }
        }
    }
    Ok(levels)
}

/// Everything a whole configuration needs, checked and built without
/// touching the system: formatters, filters, and handlers ready to open.
pub(super) struct Plan<'a> {
    pub formatters: Built<'a, FormatterSpec, Formatter>,
    pub filters: Built<'a, FilterSpec, Arc<dyn Filter>>,
    pub handlers: Names<'a, HandlerSpec>,
    /// In the configuration's order; each taken when opened.
    pub openers: Vec<Option<Opener>>,
}

/// Built formatters or filters, found by the name they were defined under.
pub(super) struct Built<'a, S, T> {
    names: Names<'a, S>,
    items: Vec<T>,
}

impl<S, T> Built<'_, S, T> {
    fn get(&self, name: &str) -> Option<&T> {
        self.names.find(name).map(|i| &self.items[i])
    }
}

pub(super) fn plan<'a>(core: &Core, config: &'a Config) -> Result<Plan<'a>, ConfigError> {
    // A copy, so that no factory runs under the registry's lock.
    let factories = core.factories().clone();
    let formatters = build_formatters(core, &factories, config)?;
    let filters = build_filters(&factories, config)?;
    let handlers = Names::new(&config.handlers);
    check_references(config, &formatters, &filters, &handlers)?;
    let mut openers = Vec::with_capacity(config.handlers.len());
    for (name, spec) in &config.handlers {
        let place = place(config.style, "handler", name);
        openers.push(Some(classes::prepare(&factories, spec, place)?));
    }
    Ok(Plan {
        formatters,
        filters,
        handlers,
        openers,
    })
}

/// What [`apply`] would reject before touching the system.
pub(crate) fn check(core: &Core, config: &Config) -> Result<(), ConfigError> {
    if config.incremental {
        return Ok(());
    }
    plan(core, config).map(|_| ())
}

fn place<'a>(style: PathStyle, kind: &'static str, name: &'a str) -> Place<'a> {
    Place { style, kind, name }
}

pub(super) fn apply_whole(core: &Core, mut config: Config) -> Result<(), ConfigError> {
    // Everything that can be checked is checked here, before any file is
    // opened.
    let Plan {
        formatters,
        filters,
        handlers: names,
        openers,
    } = plan(core, &config)?;
    let handlers = open_handlers(
        &config,
        openers,
        &formatters,
        &filters,
        &names,
        Opener::open,
    )?;
    // A program's handlers commit first: their commit may refuse. The
    // crate's own handlers commit last, because theirs cannot be undone (a
    // mode `w` file is truncated there): a refusal then leaves every file
    // as it was.
    let standard = |i: &usize| classes::standard_class(&config.handlers[*i].1.class).is_some();
    let programs = (0..handlers.len()).filter(|i| !standard(i));
    for i in programs.chain((0..handlers.len()).filter(standard)) {
        if let Err(e) = handlers[i].commit() {
            discard(&handlers);
            let name = &config.handlers[i].0;
            let place = place(config.style, "handler", name);
            return Err(place.error("", e.to_string()).caused_by(e));
        }
    }
    let (formatters, filters) = (formatters.items, filters.items);
    // One swap carries the new tree and the definitions it was built from.
    let (unused, replaced) = core.reconfigure(|draft| {
        install(draft, &config, &handlers, &filters);
        let loggers = std::mem::take(&mut config.loggers);
        draft.set_defined(defined(config, formatters, filters, handlers));
        loggers
    });
    // Freed after the swap, out of the registry's lock.
    drop(unused);
    for handler in replaced {
        handler.flush();
        handler.close();
    }
    Ok(())
}

/// The configuration's definitions, for `current_config` and for
/// incremental configurations: moved, not copied.
fn defined(
    config: Config,
    formatters: Vec<Formatter>,
    filters: Vec<Arc<dyn Filter>>,
    handlers: Vec<SharedHandler>,
) -> Defined {
    let handlers = handlers.into_iter().zip(config.handlers);
    let formatters = config.formatters.into_iter().zip(formatters);
    let filters = config.filters.into_iter().zip(filters);
    Defined {
        handlers: handlers
            .map(|(handler, (_, spec))| (handler, spec))
            .collect(),
        formatters: formatters.map(|((n, spec), f)| (n, spec, f)).collect(),
        filters: filters.map(|((n, spec), f)| (n, spec, f)).collect(),
    }
}

fn build_formatters<'a>(
    core: &Core,
    factories: &Factories,
    config: &'a Config,
) -> Result<Built<'a, FormatterSpec, Formatter>, ConfigError> {
    let mut built = Vec::with_capacity(config.formatters.len());
    let live = core.current();
    let defined = &live.defined;
    for (name, spec) in &config.formatters {
        let place = place(config.style, "formatter", name);
        let formatter = match (spec, running_formatter(&defined.formatters, spec)) {
            (_, Some(formatter)) => formatter.clone(),
            (
                FormatterSpec::Standard {
                    format,
                    datefmt,
                    style,
                    validate,
                    defaults,
                },
                _,
            ) => {
                let style = Style::parse(style).map_err(|e| place.error("", e.to_string()))?;
                standard_formatter(
                    format.as_deref(),
                    datefmt.as_deref(),
                    style,
                    *validate,
                    defaults,
                )
                .map_err(|e| place.error("", e.to_string()))?
            }
            (FormatterSpec::Custom { factory, kwargs }, _) => {
                classes::custom_formatter(factories, factory, kwargs, place)?
            }
        };
        built.push(formatter);
    }
    Ok(Built {
        names: Names::new(&config.formatters),
        items: built,
    })
}

/// A standard formatter is a function of its spec alone: the one the
/// running configuration built from an equal spec serves again. (A
/// factory's may not: it can be registered anew.)
fn running_formatter<'a>(
    running: &'a [(String, FormatterSpec, Formatter)],
    spec: &FormatterSpec,
) -> Option<&'a Formatter> {
    if let FormatterSpec::Custom { .. } = spec {
        return None;
    }
    running
        .iter()
        .find(|(_, s, _)| s == spec)
        .map(|(_, _, f)| f)
}

fn standard_formatter(
    format: Option<&str>,
    datefmt: Option<&str>,
    style: Style,
    validate: bool,
    defaults: &[(String, String)],
) -> Result<Formatter, crate::format::FormatError> {
    let mut builder = Formatter::builder().style(style).validate(validate);
    if let Some(format) = format {
        builder = builder.fmt(format);
    }
    if let Some(datefmt) = datefmt {
        builder = builder.datefmt(datefmt);
    }
    for (field, value) in defaults {
        builder = builder.default_value(field.as_str(), value.as_str());
    }
    builder.build()
}

fn build_filters<'a>(
    factories: &Factories,
    config: &'a Config,
) -> Result<Built<'a, FilterSpec, Arc<dyn Filter>>, ConfigError> {
    let mut built: Vec<Arc<dyn Filter>> = Vec::with_capacity(config.filters.len());
    for (name, spec) in &config.filters {
        let place = place(config.style, "filter", name);
        let filter: Arc<dyn Filter> = match spec {
            FilterSpec::Name(n) => Arc::new(NameFilter::new(n)),
            FilterSpec::Custom { factory, kwargs } => {
                classes::custom_filter(factories, factory, kwargs, place)?
            }
        };
        built.push(filter);
    }
    Ok(Built {
        names: Names::new(&config.filters),
        items: built,
    })
}

/// Every name a handler or logger refers to must be defined.
fn check_references(
    config: &Config,
    formatters: &Built<'_, FormatterSpec, Formatter>,
    filters: &Built<'_, FilterSpec, Arc<dyn Filter>>,
    handlers: &Names<'_, HandlerSpec>,
) -> Result<(), ConfigError> {
    let style = config.style;
    for (name, spec) in &config.handlers {
        let place = place(style, "handler", name);
        if let Some(f) = &spec.formatter {
            if formatters.get(f).is_none() {
                let section = match style {
                    PathStyle::Dict => "formatters",
                    PathStyle::File => "[formatters] keys",
                };
                let message =
                    format!("Unable to set formatter '{f}': it is not defined in {section}");
                return Err(place.error("formatter", message));
            }
        }
        if let Some(f) = spec.filters.iter().find(|f| filters.get(f).is_none()) {
            return Err(place.error("filters", format!("Unable to add filter '{f}'")));
        }
        for (key, target, message) in classes::handler_references(&spec.class, &spec.kwargs) {
            if handlers.find(target).is_none() {
                return Err(place.error(key, format!("{message} '{target}'")));
            }
        }
    }
    let loggers = config
        .loggers
        .iter()
        .map(|(n, s)| ("logger", n.as_str(), s));
    for (kind, name, spec) in loggers.chain(config.root.iter().map(|s| ("root", "", s))) {
        let place = place(style, kind, name);
        if let Some(h) = spec.handlers.iter().find(|h| handlers.find(h).is_none()) {
            return Err(place.error("handlers", format!("Unable to add handler '{h}'")));
        }
        if let Some(f) = spec.filters.iter().find(|f| filters.get(f).is_none()) {
            return Err(place.error("filters", format!("Unable to add filter '{f}'")));
        }
    }
    Ok(())
}

/// Opens every handler with `open` (a dry run's touches nothing), targets
/// before the memory handlers that flush to them; returns them in the
/// configuration's order. On any failure the handlers opened so far are
/// discarded.
pub(super) fn open_handlers(
    config: &Config,
    mut openers: Vec<Option<Opener>>,
    formatters: &Built<'_, FormatterSpec, Formatter>,
    filters: &Built<'_, FilterSpec, Arc<dyn Filter>>,
    names: &Names<'_, HandlerSpec>,
    open: OpenFn,
) -> Result<Vec<SharedHandler>, ConfigError> {
    let mut opened: Vec<Option<SharedHandler>> = vec![None; openers.len()];
    let find = |opened: &[Option<SharedHandler>], name: &str| opened[names.find(name)?].clone();
    // Rounds over the handlers not yet opened; only memory handlers whose
    // target is not open yet wait for another round.
    loop {
        let mut waiting = None;
        let mut progress = false;
        for index in 0..openers.len() {
            let Some(names) = openers[index].as_ref().map(Opener::targets) else {
                continue;
            };
            let targets: Option<Vec<SharedHandler>> =
                names.iter().map(|name| find(&opened, name)).collect();
            let Some(targets) = targets else {
                waiting = waiting.or(Some(index));
                continue;
            };
            let Some(opener) = openers[index].take() else {
                continue;
            };
            progress = true;
            let (name, spec) = &config.handlers[index];
            if crate::deadline::passed() {
                discard(opened.iter().flatten());
                let message = format!("timed out building handler '{name}'");
                return Err(ConfigError::new("", message));
            }
            match open(opener, targets) {
                Ok(builder) => {
                    let mut builder = builder.name(name);
                    if let Some(level) = spec.level {
                        builder = builder.level(level);
                    }
                    if let Some(f) = spec.formatter.as_deref().and_then(|f| formatters.get(f)) {
                        builder = builder.formatter(f.clone());
                    }
                    for f in &spec.filters {
                        if let Some(f) = filters.get(f) {
                            builder = builder.filter(Arc::clone(f));
                        }
                    }
                    opened[index] = Some(builder.build());
                }
                Err(e) => {
                    discard(opened.iter().flatten());
                    let text = e.to_string();
                    if e.kind() == std::io::ErrorKind::TimedOut {
                        let what = text.strip_prefix("timed out ").unwrap_or(&text);
                        let message = format!("timed out building handler '{name}' ({what})");
                        return Err(ConfigError::new("", message));
                    }
                    let place = place(config.style, "handler", name);
                    return Err(place.error("", text).caused_by(e));
                }
            }
        }
        match waiting {
            None => return Ok(opened.into_iter().flatten().collect()),
            Some(index) if !progress => {
                discard(opened.iter().flatten());
                let place = place(config.style, "handler", &config.handlers[index].0);
                let (key, kind) = match config.handlers[index].1.kwargs.get("target") {
                    Some(_) => ("target", "memory"),
                    None => ("handlers", "queue"),
                };
                return Err(place.error(key, format!("{kind} handler targets form a cycle")));
            }
            Some(_) => {}
        }
    }
}

/// How a handler is opened: for real, or checked by a dry run.
pub(super) type OpenFn = fn(Opener, Vec<SharedHandler>) -> std::io::Result<SharedHandlerBuilder>;

pub(super) fn discard<'a>(handlers: impl IntoIterator<Item = &'a SharedHandler>) {
    for handler in handlers {
        handler.discard();
    }
}

/// The edit that makes the new configuration live, with CPython's rules
/// for loggers that exist but are not named.
fn install(
    draft: &mut Draft<'_>,
    config: &Config,
    handlers: &[SharedHandler],
    filters: &[Arc<dyn Filter>],
) {
    let (names, filter_names) = (Names::new(&config.handlers), Names::new(&config.filters));
    let find = |name: &String| Some(handlers[names.find(name)?].clone());
    let find_filter = |name: &String| Some(Arc::clone(&filters[filter_names.find(name)?]));
    // A logger's level (when given), handlers and filters; the lists are
    // refilled in place, so the draft's memory is kept.
    let configure = |settings: &mut LoggerSettings, spec: &LoggerSpec| {
        if let Some(level) = spec.level {
            settings.level = level;
        }
        settings.handlers.clear();
        settings
            .handlers
            .extend(spec.handlers.iter().filter_map(find));
        settings.filters.clear();
        settings
            .filters
            .extend(spec.filters.iter().filter_map(find_filter));
    };
    draft.reserve(config.loggers.len() + 1);
    // Loggers created before this configuration have the lower ids.
    let existing = draft.len();
    // Which ids the configuration names, to tell the others apart in O(1).
    let mut named = Vec::new();
    for (name, spec) in &config.loggers {
        let id = draft.id(name);
        if id >= named.len() {
            named.resize(draft.len(), false);
        }
        named[id] = true;
        let settings = draft.settings(id);
        configure(settings, spec);
        settings.disabled = false;
        if let Some(propagate) = spec.propagate {
            settings.propagate = propagate;
        }
    }
    // CPython's `_handle_existing_loggers`: an existing logger the
    // configuration does not name is reset if it is a child of one it
    // names (the parent then existed too, as a logger or placeholder), and
    // otherwise disabled when `disable_existing_loggers`.
    // Built only if some existing logger is not named.
    let mut configured: Option<HashSet<&str>> = None;
    for id in 1..existing {
        if named.get(id) == Some(&true) {
            continue;
        }
        let configured = configured
            .get_or_insert_with(|| config.loggers.iter().map(|(n, _)| n.as_str()).collect());
        let child = ancestors(draft.name(id)).any(|a| configured.contains(a));
        let settings = draft.settings(id);
        if child {
            settings.level = Level::NOTSET;
            settings.handlers.clear();
            settings.propagate = true;
        } else {
            settings.disabled = config.disable_existing;
        }
    }
    if let Some(spec) = &config.root {
        configure(draft.settings(ROOT), spec);
    }
}

#[cfg(test)]
mod tests {
    use super::{running_formatter, FormatterSpec, Names};
    use crate::format::Formatter;
    use crate::json::Map;

    #[test]
    fn only_an_equal_standard_spec_reuses_a_running_formatter() {
        let standard = |datefmt: Option<&str>| FormatterSpec::Standard {
            format: Some("%(message)s".into()),
            datefmt: datefmt.map(str::to_string),
            style: "%".into(),
            validate: true,
            defaults: Vec::new(),
        };
        let custom = FormatterSpec::Custom {
            factory: "app.F".into(),
            kwargs: Map::new(),
        };
        let built = Formatter::default();
        let running = [
            ("a".to_string(), standard(None), built.clone()),
            ("c".to_string(), custom.clone(), Formatter::default()),
        ];
        let reused = running_formatter(&running, &standard(None));
        assert!(reused.is_some_and(|f| f.shares(&built)));
        assert!(running_formatter(&running, &standard(Some("%H"))).is_none());
        assert!(running_formatter(&running, &custom).is_none());
    }

    #[test]
    fn names_find_the_last_definition_scanned_or_searched() {
        for count in [3, 40] {
            let mut entries: Vec<(String, usize)> = (0..count)
                .map(|i| (format!("n{}", i % (count - 1)), i))
                .collect();
            entries.push(("".to_string(), count));
            let names = Names::new(&entries);
            assert_eq!(names.order.is_empty(), count <= 16);
            // "n0" is defined at 0 and again at count - 1.
            assert_eq!(names.find("n0"), Some(count - 1));
            assert_eq!(names.find("n1"), Some(1));
            assert_eq!(names.find(""), Some(count));
            assert_eq!(names.find("n"), None);
            assert_eq!(names.find("zz"), None);
        }
    }
}
