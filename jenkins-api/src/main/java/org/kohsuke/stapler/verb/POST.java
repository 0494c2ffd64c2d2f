// Hand-written stand-in: members as in the real API listings; retention and targets as in the real sources.
package org.kohsuke.stapler.verb;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The real one carries Stapler's interceptor meta-annotation; at run time Jenkins' own class is the one loaded. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface POST {
}
