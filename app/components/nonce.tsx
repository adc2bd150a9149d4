import { createContext, useContext } from "react";

// The CSP nonce of this response, for <Scripts> and any inline script (server side only:
// browsers hide nonce attributes from script, so the client renders an empty one).
const NonceContext = createContext("");

export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
