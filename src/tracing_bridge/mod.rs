//! The `tracing` bridge: a `tracing_subscriber::Layer` made by a macro
//! that expands in the user's crate (see [`tracing_layer!`]), and the
//! field collection it calls ([`fields`], [`span`]), here so that the
//! expansion stays small.

mod fields;
mod span;
#[cfg(test)]
mod tests;

pub use fields::{__EventFields, __FieldSink};
pub use span::__SpanFields;

/// A `tracing_subscriber::Layer` that turns events into records: the
/// target names the logger as for the `log` bridge
/// ([`target_logger_name`](crate::target_logger_name)), levels map
/// ERROR→ERROR, WARN→WARNING, INFO→INFO, DEBUG→DEBUG, TRACE→TRACE (5), the
/// `message` field is the message, and every other field, with the fields
/// of the enclosing spans (the innermost wins a name clash), becomes an
/// extra field (`%(user)s`). File, line and module path are kept.
/// Callsite interest and `enabled` answer from the live levels, and the
/// interest cache is rebuilt after every reconfiguration
/// ([`on_reconfigure`](crate::on_reconfigure)), so a pushed DEBUG reaches
/// callsites cached as never. Spans are always enabled (their fields
/// must be there for the events inside them).
///
/// Expands in your crate, which depends on `tracing` and
/// `tracing-subscriber` (feature `registry`). `tracing_layer!()` uses
/// `::tracing` and `::tracing_subscriber`; give other paths for renamed
/// crates: `tracing_layer!(my_tracing, my_subscriber)`.
///
/// ```text
/// use tracing_subscriber::prelude::*;
/// tracing_subscriber::registry().with(loglisten::tracing_layer!()).init();
/// tracing::info!(user = "bob", "login"); // logger named after the module
/// ```
#[macro_export]
macro_rules! tracing_layer {
    () => {
        $crate::tracing_layer!(::tracing, ::tracing_subscriber)
    };
    ($tracing:path, $subscriber:path) => {{
        use $subscriber as __loglisten_ts;
        use $tracing as __loglisten_t;
        struct LoglistenLayer;
        struct Visitor<'a, F>(&'a mut F);
        impl<F: $crate::__FieldSink> __loglisten_t::field::Visit for Visitor<'_, F> {
            fn record_debug(
                &mut self,
                field: &__loglisten_t::field::Field,
                value: &dyn ::core::fmt::Debug,
            ) {
                self.0.sink_debug(field.name(), value);
            }
            fn record_str(&mut self, field: &__loglisten_t::field::Field, value: &str) {
                self.0.sink_str(field.name(), value);
            }
            fn record_i64(&mut self, field: &__loglisten_t::field::Field, value: i64) {
                self.0.sink_value(field.name(), value.into());
            }
            fn record_u64(&mut self, field: &__loglisten_t::field::Field, value: u64) {
                self.0.sink_value(field.name(), value.into());
            }
            fn record_f64(&mut self, field: &__loglisten_t::field::Field, value: f64) {
                self.0.sink_value(field.name(), value.into());
            }
            fn record_bool(&mut self, field: &__loglisten_t::field::Field, value: bool) {
                self.0.sink_value(field.name(), value.into());
            }
        }
        fn level_of(level: &__loglisten_t::Level) -> $crate::Level {
            $crate::__level_of(if *level == __loglisten_t::Level::ERROR {
                1
            } else if *level == __loglisten_t::Level::WARN {
                2
            } else if *level == __loglisten_t::Level::INFO {
                3
            } else if *level == __loglisten_t::Level::DEBUG {
                4
            } else {
                5
            })
        }
        impl<S> __loglisten_ts::Layer<S> for LoglistenLayer
        where
            S: __loglisten_t::Subscriber + for<'a> __loglisten_ts::registry::LookupSpan<'a>,
        {
            fn register_callsite(
                &self,
                metadata: &'static __loglisten_t::Metadata<'static>,
            ) -> __loglisten_t::subscriber::Interest {
                let level = level_of(metadata.level());
                if metadata.is_span()
                    || $crate::__with_static_logger(metadata.target(), |l| l.is_enabled_for(level))
                {
                    __loglisten_t::subscriber::Interest::always()
                } else {
                    __loglisten_t::subscriber::Interest::never()
                }
            }
            fn enabled(
                &self,
                metadata: &__loglisten_t::Metadata<'_>,
                _: __loglisten_ts::layer::Context<'_, S>,
            ) -> bool {
                metadata.is_span()
                    || $crate::__enabled(metadata.target(), level_of(metadata.level()))
            }
            fn max_level_hint(
                &self,
            ) -> ::core::option::Option<__loglisten_t::level_filters::LevelFilter> {
                use __loglisten_t::level_filters::LevelFilter;
                ::core::option::Option::Some(match $crate::facade_max_level() {
                    0 => LevelFilter::OFF,
                    1 => LevelFilter::ERROR,
                    2 => LevelFilter::WARN,
                    3 => LevelFilter::INFO,
                    4 => LevelFilter::DEBUG,
                    _ => LevelFilter::TRACE,
                })
            }
            fn on_new_span(
                &self,
                attrs: &__loglisten_t::span::Attributes<'_>,
                id: &__loglisten_t::span::Id,
                ctx: __loglisten_ts::layer::Context<'_, S>,
            ) {
                let mut fields = $crate::__SpanFields::default();
                attrs.record(&mut Visitor(&mut fields));
                if let ::core::option::Option::Some(span) = ctx.span(id) {
                    span.extensions_mut().insert(fields);
                }
            }
            fn on_record(
                &self,
                id: &__loglisten_t::span::Id,
                values: &__loglisten_t::span::Record<'_>,
                ctx: __loglisten_ts::layer::Context<'_, S>,
            ) {
                if let ::core::option::Option::Some(span) = ctx.span(id) {
                    let mut extensions = span.extensions_mut();
                    if let ::core::option::Option::Some(fields) =
                        extensions.get_mut::<$crate::__SpanFields>()
                    {
                        values.record(&mut Visitor(fields));
                    }
                }
            }
            fn on_enter(
                &self,
                _: &__loglisten_t::span::Id,
                _: __loglisten_ts::layer::Context<'_, S>,
            ) {
                $crate::__SpanFields::entered();
            }
            fn on_exit(
                &self,
                _: &__loglisten_t::span::Id,
                _: __loglisten_ts::layer::Context<'_, S>,
            ) {
                $crate::__SpanFields::exited();
            }
            fn on_event(
                &self,
                event: &__loglisten_t::Event<'_>,
                ctx: __loglisten_ts::layer::Context<'_, S>,
            ) {
                let metadata = event.metadata();
                let level = level_of(metadata.level());
                $crate::__with_static_logger(metadata.target(), |logger| {
                    if !logger.is_enabled_for(level) {
                        return;
                    }
                    let source = match (metadata.file(), metadata.line()) {
                        (
                            ::core::option::Option::Some(file),
                            ::core::option::Option::Some(line),
                        ) => ::core::option::Option::Some((
                            metadata.module_path().unwrap_or(""),
                            file,
                            line,
                        )),
                        _ => ::core::option::Option::None,
                    };
                    $crate::__EventFields::log_event(logger, level, source, |fields| {
                        event.record(&mut Visitor(fields));
                        // Outside every span (the common case), an event
                        // without an explicit parent has no scope to walk.
                        let scope = if event.is_contextual() && !$crate::__SpanFields::any_entered()
                        {
                            ::core::option::Option::None
                        } else {
                            ctx.event_scope(event)
                        };
                        if let ::core::option::Option::Some(scope) = scope {
                            for span in scope {
                                if let ::core::option::Option::Some(own) =
                                    span.extensions().get::<$crate::__SpanFields>()
                                {
                                    fields.add_span(own);
                                }
                            }
                        }
                    });
                });
            }
        }
        fn rebuild_interest() {
            __loglisten_t::callsite::rebuild_interest_cache();
        }
        $crate::on_reconfigure(rebuild_interest);
        LoglistenLayer
    }};
}
