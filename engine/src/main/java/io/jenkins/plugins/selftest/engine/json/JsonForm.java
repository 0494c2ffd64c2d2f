package io.jenkins.plugins.selftest.engine.json;

import java.io.InvalidObjectException;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

/**
 * What Java serialization writes for an engine value that answers a remote call (Jenkins remoting): its type and its
 * JSON. The value's {@code writeReplace} returns {@link #of}, and reading the stream back gives the value again
 * through the one JSON codec. So an answer has one form on the wire and in files, and its records may hold what
 * Java serialization cannot write ({@code Optional}, nested records that are not {@code Serializable}).
 *
 * <p>Only engine values are read back: a stream naming any other type is refused, so that a peer cannot make the
 * reader build an object of its choosing.
 *
 * @param type the value's class, an engine type; it must read back from its own JSON ({@link Json#read(String, Class)})
 */
public record JsonForm(Class<?> type, String json) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
    private static final String ENGINE = "io.jenkins.plugins.selftest.engine.";

    public JsonForm {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(json, "json");
    }

    /** The serial form of {@code value}, for its {@code writeReplace}. */
    public static JsonForm of(Object value) {
        return new JsonForm(value.getClass(), Json.write(value));
    }

    @Serial
    private Object readResolve() throws InvalidObjectException {
        if (!Serializable.class.isAssignableFrom(type) || !type.getName().startsWith(ENGINE)) {
            throw new InvalidObjectException("not an engine value: " + type.getName());
        }
        try {
            return Json.read(json, type);
        } catch (IllegalArgumentException e) {
            InvalidObjectException ioe = new InvalidObjectException(e.getMessage());
            ioe.initCause(e);
            throw ioe;
        }
    }
}
