/** Injection token of the Nest layer's resolved options (NestLayerOptions), shared by the module and the interceptor. */
export const TERACRON_NEST_LAYER = Symbol('TERACRON_NEST_LAYER');
