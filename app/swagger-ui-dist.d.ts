// swagger-ui-dist ships no types; /docs uses only this much of its ES bundle.
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  const SwaggerUI: (options: {
    domNode: HTMLElement;
    url: string;
    validatorUrl: string | null;
    supportedSubmitMethods: string[];
    deepLinking?: boolean;
    docExpansion?: "list" | "full" | "none";
    defaultModelsExpandDepth?: number;
    onComplete?: () => void;
  }) => unknown;
  export default SwaggerUI;
}
