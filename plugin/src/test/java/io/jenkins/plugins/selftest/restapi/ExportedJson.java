package io.jenkins.plugins.selftest.restapi;

import java.beans.Introspector;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What Stapler's exporter writes for {@code .../api/json} of a bean, for tests that cannot start Jenkins: one property
 * per public {@link Exported} getter (its {@code name()}, or the getter's name without {@code get}), sorted by name;
 * maps, collections, strings, numbers, booleans and {@code null} as they are; nested {@link ExportedBean}s the same
 * way. Anything else is refused, as Stapler refuses a class without {@code @ExportedBean} (the engine's records are
 * such classes: the REST model must never hand them out).
 */
public final class ExportedJson {

    private ExportedJson() {
    }

    /** The properties of {@code bean}, which must be an {@link ExportedBean}. */
    public static Map<String, Object> of(Object bean) {
        if (!bean.getClass().isAnnotationPresent(ExportedBean.class)) {
            throw new IllegalArgumentException(bean.getClass().getName() + " is not an @ExportedBean: Stapler cannot export it");
        }
        Map<String, Object> properties = new TreeMap<>();
        for (Method m : bean.getClass().getMethods()) {
            Exported exported = m.getAnnotation(Exported.class);
            if (exported == null || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
                continue;
            }
            String name = exported.name().isEmpty() ? Introspector.decapitalize(m.getName().replaceFirst("^(get|is)", ""))
                    : exported.name();
            properties.put(name, value(invoke(m, bean), bean.getClass().getSimpleName() + "." + name));
        }
        return properties;
    }

    private static Object invoke(Method m, Object bean) {
        try {
            return m.invoke(bean);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(m + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(m + " cannot be called by Stapler", e);
        }
    }

    private static Object value(Object v, String where) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, x) -> out.put(String.valueOf(k), value(x, where + "." + k)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            int i = 0;
            for (Object x : c) {
                out.add(value(x, where + "[" + i++ + "]"));
            }
            return out;
        }
        if (v.getClass().isAnnotationPresent(ExportedBean.class)) {
            return of(v);
        }
        throw new IllegalStateException(where + " is a " + v.getClass().getName()
                + ", which Stapler cannot export: hand out maps, lists, strings, numbers and booleans");
    }
}
