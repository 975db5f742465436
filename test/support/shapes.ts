// Answer shapes several test files read. Each lists only the fields the tests read, nullable where the schema
// is; tests that read more declare their own shape next to their query.

/** A territory of queries/territory-panier.graphql's answer; the other fields are compared whole, by name. */
export interface PanierTerritory {
  name: string;
  /** Null when the financing subgraph cannot answer (the panier keeps the other slices). */
  financing: { summary: { recordCount: number } } | null;
  [field: string]: unknown;
}

/** What tests read of queries/territory-panier.graphql's answer. */
export interface PanierAnswer {
  territory: PanierTerritory | null;
}
