package io.pkttrace.btf;

/**
 * A type in BTF is not what the code reading or writing it expects (a struct or field is missing, has
 * another size, an enumerator is missing). The message names the type and the field.
 */
public final class LayoutException extends Exception {
    private static final long serialVersionUID = 1L;

    public LayoutException(String message) {
        super(message);
    }
}
