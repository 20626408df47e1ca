/**
 * The client's listeners by kind. A listener that throws is reported and
 * does not keep the others from being called.
 */
export const LISTENER_TYPES: readonly string[];
export class Listeners {
    /** @param {(error: unknown) => void} report */
    constructor(report: (error: unknown) => void);
    /**
     * @param {string} type
     * @param {Function} listener
     * @returns {() => void}
     */
    on(type: string, listener: Function): () => void;
    /**
     * @param {string} type
     * @param {...unknown} args
     */
    emit(type: string, ...args: unknown[]): void;
    /**
     * @param {Function} listener
     * @param {...unknown} args
     */
    call(listener: Function, ...args: unknown[]): void;
    #private;
}
