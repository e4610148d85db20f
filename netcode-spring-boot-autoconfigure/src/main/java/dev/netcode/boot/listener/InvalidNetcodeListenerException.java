package dev.netcode.boot.listener;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * A {@link NetcodeListener @NetcodeListener} method has a parameter or a return type the
 * dispatcher cannot provide or handle. Thrown at start-up, when the method's bean is initialised.
 */
public class InvalidNetcodeListenerException extends BeanInitializationException {

    private static final long serialVersionUID = 1L;

    /** {@link #getParameterIndex()} of an invalid return type. */
    public static final int RETURN_TYPE = -1;

    /** What parameters may be. */
    public static final String SUPPORTED_PARAMETER_TYPES = "NetcodeSession, byte[] (a copy of the payload), "
            + "java.nio.ByteBuffer (the payload, read-only), long or Long (the client id), "
            + "and types a NetcodeArgumentResolver bean supports";

    /** What methods may return. */
    public static final String SUPPORTED_RETURN_TYPES = "void, byte[] or java.nio.ByteBuffer (sent back to the client)";

    private final String beanName;

    private final transient Method method;

    private final int parameterIndex;

    private final String invalidType;

    private InvalidNetcodeListenerException(String message, String beanName, Method method, int parameterIndex,
            String invalidType) {
        super(message);
        this.beanName = beanName;
        this.method = method;
        this.parameterIndex = parameterIndex;
        this.invalidType = invalidType;
    }

    /** Parameter {@code index} of {@code method} on bean {@code beanName} has an unsupported type. */
    public static InvalidNetcodeListenerException forParameter(String beanName, Method method, int index) {
        String type = method.getGenericParameterTypes()[index].getTypeName();
        return new InvalidNetcodeListenerException("@NetcodeListener method '" + method.toGenericString()
                + "' on bean '" + beanName + "' has parameter " + index + " of unsupported type " + type
                + "; supported parameter types are " + SUPPORTED_PARAMETER_TYPES, beanName, method, index, type);
    }

    /** {@code method} on bean {@code beanName} has an unsupported return type. */
    public static InvalidNetcodeListenerException forReturnType(String beanName, Method method) {
        Type type = method.getGenericReturnType();
        return new InvalidNetcodeListenerException("@NetcodeListener method '" + method.toGenericString()
                + "' on bean '" + beanName + "' has unsupported return type " + type.getTypeName()
                + "; supported return types are " + SUPPORTED_RETURN_TYPES, beanName, method, RETURN_TYPE,
                type.getTypeName());
    }

    /** The bean that declares the method. */
    public String getBeanName() {
        return beanName;
    }

    /** The annotated method. */
    public Method getMethod() {
        return method;
    }

    /** Index of the invalid parameter, or {@link #RETURN_TYPE} when the return type is invalid. */
    public int getParameterIndex() {
        return parameterIndex;
    }

    /** Whether the return type, rather than a parameter, is invalid. */
    public boolean isReturnTypeInvalid() {
        return parameterIndex == RETURN_TYPE;
    }

    /** The invalid (generic) type's name. */
    public String getInvalidType() {
        return invalidType;
    }
}
