package org.example.calc;

import java.util.function.LongUnaryOperator;

/** Loads operators by name at run time; the classes it loads are named nowhere in the bytecode. */
public final class Plugins {

    private Plugins() {
    }

    public static LongUnaryOperator load(String simpleName) {
        String name = Plugins.class.getPackageName() + "." + simpleName;
        try {
            return (LongUnaryOperator) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("no operator plugin " + name, e);
        }
    }
}
