package io.jenkins.plugins.selftest.fakes;

import sun.reflect.ReflectionFactory;

/**
 * Objects as XStream makes them when it reads {@code build.xml}: no constructor of the class runs, so every field
 * the XML lacks keeps its default ({@code 0}, {@code false}, {@code null}). For tests of what an action does with a
 * {@code build.xml} written before one of its fields existed, without reaching into its private fields.
 */
public final class XStreamLike {

    private XStreamLike() {
    }

    /** A {@code type} whose fields all have their defaults, as from an element of {@code build.xml} without fields. */
    public static <T> T withoutFields(Class<T> type) {
        try {
            return type.cast(ReflectionFactory.getReflectionFactory()
                    .newConstructorForSerialization(type, Object.class.getDeclaredConstructor()).newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getName() + " without a constructor", e);
        }
    }
}
