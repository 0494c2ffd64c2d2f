package io.jenkins.plugins.selftest.engine.orphans;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objectweb.asm.ClassReader;

/**
 * The classes one class file names, read from its constant pool: class entries, every type in field and method
 * descriptors and generic signatures (annotations included), and string constants that spell a class name
 * ({@code Class.forName("a.b.C")}). An over-approximation on purpose: a false reference hides an orphan, a missed
 * one would invent it.
 */
record ClassReferences(String className, Set<String> names) {

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([^;<>\\[().]+)[;<]");

    /** Parses a class file; {@code className} and the referenced names are internal names ({@code a/b/C$D}). */
    static ClassReferences read(byte[] classFile) throws IOException {
        // ASM validates the header and gives the class name; the constant pool is walked directly because ASM's
        // visitor API does not expose unreferenced UTF-8 entries (descriptors only used by attributes).
        String className;
        try {
            className = new ClassReader(classFile).getClassName();
        } catch (RuntimeException e) {
            throw new IOException("not a valid class file (" + e + ")", e);
        }
        List<String> utf8 = new ArrayList<>();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.skipBytes(8); // magic, minor, major
        int count = in.readUnsignedShort();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++; // long and double take two slots
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        Set<String> names = new TreeSet<>();
        for (String s : utf8) {
            names.add(s);
            if (s.indexOf('.') > 0 && s.indexOf('/') < 0) {
                names.add(s.replace('.', '/'));
            }
            if (s.indexOf(';') > 0) {
                Matcher m = DESCRIPTOR_TYPE.matcher(s);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        names.remove(className);
        return new ClassReferences(className, names);
    }
}
