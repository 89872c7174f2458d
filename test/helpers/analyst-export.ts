/**
 * A folder laid out as an analyst exports it from a shop's warehouse (nothing like MovieLens or
 * RecBole): `exports/2026-11/customer_activity.csv` (CustomerRef, SKU, Stars, PurchasedAt as ISO
 * date-times), `exports/2026-11/catalogue.csv` (SKU, Product Name, Blurb text, Tags "a|b"),
 * `kg/brands.ttl` (Turtle: each product's brand and style, labels in rdfs:label).
 * Two taste groups by construction: customers C01–C10 buy garden products (SKU G…), C11–C20
 * kitchen products (SKU K…); each customer buys 6 of the 8 products of their group.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AnalystExport {
  readonly interactions: string;
  readonly items: string;
  readonly kg: string;
  readonly customers: readonly string[];
  readonly products: readonly string[];
}

const GARDEN = ['Rake', 'Hoe', 'Trowel', 'Watering Can', 'Pruner', 'Hose', 'Seed Tray', 'Wheelbarrow'];
const KITCHEN = ['Whisk', 'Ladle', 'Skillet', 'Colander', 'Peeler', 'Grater', 'Saucepan', 'Cleaver'];

export function writeAnalystExport(root: string): AnalystExport {
  const month = join(root, 'exports', '2026-11');
  mkdirSync(month, { recursive: true });
  mkdirSync(join(root, 'kg'), { recursive: true });
  const products = [...GARDEN.map((_, i) => `G${100 + i}`), ...KITCHEN.map((_, i) => `K${200 + i}`)];
  const names = [...GARDEN, ...KITCHEN];
  const customers = Array.from({ length: 20 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`);
  const rows = ['CustomerRef,SKU,Stars,PurchasedAt'];
  customers.forEach((c, ci) => {
    const group = ci < 10 ? 0 : 8;
    for (let k = 0; k < 6; k++) {
      const p = group + ((ci + k) % 8);
      const day = 1 + ((ci * 7 + k * 3) % 28);
      rows.push(`${c},${products[p]},${1 + ((ci + k) % 5)},2026-10-${String(day).padStart(2, '0')}T1${k}:00:00`);
    }
  });
  const interactions = join(month, 'customer_activity.csv');
  writeFileSync(interactions, `${rows.join('\n')}\n`);
  const cat = ['SKU,Product Name,Blurb,Tags'];
  products.forEach((p, i) => {
    const garden = i < 8;
    const blurb = garden ? `A sturdy ${names[i].toLowerCase()} for the garden, made to last through seasons of digging and planting.` : `A ${names[i].toLowerCase()} for the home kitchen, easy to clean, for everyday cooking and baking.`;
    cat.push(`${p},"${names[i]}","${blurb}",${garden ? 'outdoor|garden' : 'indoor|kitchen|cooking'}`);
  });
  const items = join(month, 'catalogue.csv');
  writeFileSync(items, `${cat.join('\n')}\n`);
  const ttl = ['@prefix ex: <https://shop.example/kg/> .', '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .', ''];
  ttl.push('ex:brand_greenthumb rdfs:label "GreenThumb" .', 'ex:brand_chefco rdfs:label "ChefCo" .', 'ex:style_hand_tool rdfs:label "hand tool" .', 'ex:style_utensil rdfs:label "utensil" .');
  products.forEach((p, i) => {
    const garden = i < 8;
    // the product entities are named by label only: items link by normalised title
    ttl.push(`ex:product_${i} rdfs:label "${names[i]}" ;`, `  ex:brand ex:${garden ? 'brand_greenthumb' : 'brand_chefco'} ;`, `  ex:style ex:${garden ? 'style_hand_tool' : 'style_utensil'} .`);
  });
  const kg = join(root, 'kg', 'brands.ttl');
  writeFileSync(kg, `${ttl.join('\n')}\n`);
  return { interactions, items, kg, customers, products };
}
