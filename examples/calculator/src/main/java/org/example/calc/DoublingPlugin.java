package org.example.calc;

import java.util.function.LongUnaryOperator;

/** Only ever loaded by reflection through {@link Plugins}: an orphan that the tests still cover indirectly. */
public final class DoublingPlugin implements LongUnaryOperator {

    @Override
    public long applyAsLong(long operand) {
        return operand * 2;
    }
}
